using System.Net;
using System.Net.Http.Json;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.HostedPages;

/// <summary><c>/admin/v1/branding</c>: the hosted pages' name, logo, colour and language per site (issue #8).</summary>
public sealed class BrandingTests : IDisposable
{
    private readonly LatchkeyApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_new_site_has_defaults_and_a_patch_changes_only_the_fields_it_names()
    {
        using var admin = _app.ApiKeyClient();

        var initial = await (await admin.GetAsync("/admin/v1/branding")).JsonAsync();
        Assert.Equal("#1d4ed8", initial.GetProperty("primaryColor").GetString());
        Assert.Equal("en", initial.GetProperty("language").GetString());

        var patched = await admin.PatchAsJsonAsync("/admin/v1/branding", new { displayName = "Acme", primaryColor = "#B91C1C", language = "de" });
        patched.EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { offerMfaEnrolment = true })).EnsureSuccessStatusCode();

        var read = await (await admin.GetAsync("/admin/v1/branding")).JsonAsync();
        Assert.Equal("Acme", read.GetProperty("displayName").GetString());
        Assert.Equal("#b91c1c", read.GetProperty("primaryColor").GetString());
        Assert.Equal("de", read.GetProperty("language").GetString());
        Assert.True(read.GetProperty("offerMfaEnrolment").GetBoolean());

        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { displayName = "" })).EnsureSuccessStatusCode();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await (await admin.GetAsync("/admin/v1/branding")).JsonAsync()).GetProperty("displayName").ValueKind);
    }

    [Theory]
    [InlineData("""{"primaryColor":"red"}""")]
    [InlineData("""{"primaryColor":"#12345"}""")]
    [InlineData("""{"language":"xx"}""")]
    [InlineData("""{"logoUrl":"http://cdn.example/logo.png"}""")]
    [InlineData("""{"logoUrl":"javascript:alert(1)"}""")]
    [InlineData("""{"logoUrl":"data:text/html;base64,PGI+"}""")]
    public async Task Invalid_values_are_refused_with_validation_failed(string body)
    {
        using var admin = _app.ApiKeyClient();

        await (await admin.PatchAsync("/admin/v1/branding", HttpAssertions.Json(body))).AssertProblemAsync(400, "validation_failed");
    }

    [Fact]
    public async Task Https_and_inline_image_logos_are_accepted()
    {
        using var admin = _app.ApiKeyClient();

        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { logoUrl = "https://cdn.example/logo.png" })).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { logoUrl = "data:image/png;base64,iVBORw0KGgo=" })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task Every_page_names_its_icon_the_sites_logo_or_latchkeys_own_so_no_favicon_ico_is_asked_for()
    {
        using var browser = _app.CreateClient();
        var flow = Guid.CreateVersion7().ToString("N");

        var plain = await (await browser.GetAsync($"/recovery/reset-password?token=x&flow={flow}")).Content.ReadAsStringAsync();
        var icon = await browser.GetAsync("/_latchkey/assets/favicon.svg");

        Assert.Contains("""<link rel="icon" href="/_latchkey/assets/favicon.svg">""", plain, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<svg", await icon.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_branded_page_uses_the_sites_logo_as_its_icon()
    {
        using var admin = _app.ApiKeyClient();
        (await admin.PatchAsJsonAsync("/admin/v1/branding", new { logoUrl = "https://cdn.example/logo.png" })).EnsureSuccessStatusCode();
        using var browser = _app.CreateClient();

        var page = await browser.GetStringAsync(new AuthorizeParameters(_app.Bootstrap.ClientId, Pkce.New()) { Prompt = "login" }.Url());

        Assert.Contains("""<link rel="icon" href="https://cdn.example/logo.png">""", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_visitor_cannot_read_or_change_branding()
    {
        using var visitor = await _app.VisitorClientAsync();

        await (await visitor.PatchAsJsonAsync("/admin/v1/branding", new { language = "de" })).AssertProblemAsync(403, "permission_denied");
    }
}
