using Microsoft.Playwright;

namespace Latchkey.Browser.Tests.Infrastructure;

/// <summary>
/// Screenshots of every page the tests reach: into <c>artifacts/screenshots/</c> on every run, and into
/// <c>docs/screenshots/</c> (the ones the README links) when <c>LATCHKEY_UPDATE_SCREENSHOTS=1</c>, so an ordinary
/// test run never dirties the work tree.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var root = RepoRoot();
        var into = Environment.GetEnvironmentVariable("LATCHKEY_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(root, "docs", "screenshots")
            : Path.Combine(root, "artifacts", "screenshots");
        Directory.CreateDirectory(into);
        await page.ScreenshotAsync(new() { Path = Path.Combine(into, name + ".png"), FullPage = true });
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Latchkey.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Latchkey.slnx not found above " + AppContext.BaseDirectory);
    }
}
