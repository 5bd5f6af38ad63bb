using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.WixSdk;

/// <summary>The integration script Latchkey serves is the package's file, loadable from any origin (docs/wix-sdk.md).</summary>
public sealed class WixSdkScriptsTests
{
    private static string PackageSource()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var file = Path.Combine(directory.FullName, "packages", "wix-sdk", "index.js");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }

        throw new InvalidOperationException("packages/wix-sdk/index.js not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData("/_latchkey/wix-sdk.mjs", "useLatchkey(new URL('..', import.meta.url).href);")]
    [InlineData("/_latchkey/wix-sdk.js", "useLatchkey(new URL('..', document.currentScript.src).href);")]
    public async Task The_served_script_is_the_package_plus_the_line_that_installs_it_for_this_server(string path, string install)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "https://any-site.example");

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains(install, text, StringComparison.Ordinal);
        var source = PackageSource();
        Assert.Contains(path.EndsWith(".mjs", StringComparison.Ordinal) ? source : source.Replace("export { useLatchkey, latchkeyFetch, rewriteUrl };", "", StringComparison.Ordinal), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unchanged_script_is_not_sent_again()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();
        var first = await client.GetAsync("/_latchkey/wix-sdk.mjs");
        var again = new HttpRequestMessage(HttpMethod.Get, "/_latchkey/wix-sdk.mjs");
        again.Headers.TryAddWithoutValidation("If-None-Match", first.Headers.ETag!.Tag);

        var response = await client.SendAsync(again);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }
}
