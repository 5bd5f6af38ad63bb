using System.Xml.Linq;
using Latchkey.Core.Errors;
using Latchkey.Server.HostedPages;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.HostedPages;

/// <summary>The hosted pages' resource files: every language has every text, and every page-facing error has a sentence.</summary>
public sealed class PageTextTests
{
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "src", "Latchkey.Server", "HostedPages");

    [Fact]
    public void Every_language_has_the_same_keys_as_English()
    {
        var english = Keys("Strings.resx");
        foreach (var file in Directory.GetFiles(Folder, "Strings.*.resx"))
        {
            Assert.Equal(english, Keys(Path.GetFileName(file)));
        }
    }

    [Theory]
    [InlineData("en", "Sign in")]
    [InlineData("de", "Anmelden")]
    public void The_site_language_picks_the_resource_file(string language, string signIn) =>
        Assert.Equal(signIn, PageText.For(language)["signIn.title"]);

    [Fact]
    public void Errors_are_worded_by_their_catalog_code_and_unknown_codes_get_the_generic_sentence()
    {
        var german = PageText.For("de");

        Assert.Equal("E-Mail-Adresse oder Passwort ist falsch.", german.Error(LatchkeyErrors.InvalidCredentials));
        Assert.Equal(german["error.generic"], german.Error(LatchkeyErrors.InternalError));
    }

    private static SortedSet<string> Keys(string file) =>
        [.. XDocument.Load(Path.Combine(Folder, file)).Root!.Elements("data").Select(d => (string)d.Attribute("name")!)];

}
