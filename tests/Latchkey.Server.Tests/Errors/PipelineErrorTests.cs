using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Errors;

public class PipelineErrorTests
{
    [Fact]
    public async Task An_unknown_path_is_a_404_envelope()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        await (await client.GetAsync("/_api/iam/authentication/v9/nothing")).AssertWixErrorAsync(404, "not_found");
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_envelope()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        await (await client.GetAsync($"{Wix.Auth}/v2/login")).AssertWixErrorAsync(405, "method_not_allowed");
    }

    [Fact]
    public async Task Responses_carry_the_request_id_the_SDK_surfaces()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health/live");

        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-wix-request-id").Single()));
    }

    [Theory]
    [InlineData("""{"email":"ann@example.com"}""", true, false)]
    [InlineData("""{"email":"nope"}""", false, true)]
    public async Task Validate_email_checks_the_format_only(string json, bool valid, bool formatInvalid)
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        var body = await (await client.PostAsync($"{Wix.Auth}/v2/validate-email", HttpAssertions.Json(json))).JsonAsync();

        Assert.Equal(valid, body.GetProperty("valid").GetBoolean());
        Assert.Equal(formatInvalid, body.GetProperty("formatInvalid").GetBoolean());
    }

    [Fact]
    public async Task Validate_email_without_an_email_is_400()
    {
        using var app = new LatchkeyApp();
        using var client = app.CreateClient();

        await (await client.PostAsJsonAsync($"{Wix.Auth}/v2/validate-email", new { })).AssertWixErrorAsync(400, "validation_failed");
    }
}
