using System.Net;
using System.Net.Http.Json;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.AbuseProtection;

/// <summary>Nobody can flood a member's inbox with reset links: three an hour, then silence with the same 200.</summary>
public sealed class QuietQuotaTests : IDisposable
{
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;

    public QuietQuotaTests() => _app = new LatchkeyApp(settings: _mail.Settings);

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task Five_recovery_requests_in_an_hour_send_three_emails_and_answer_alike()
    {
        using var client = await _app.VisitorClientAsync();
        await client.RegisterAsync("ann@example.com");

        var bodies = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var response = await client.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "ann@example.com" });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        for (var i = 0; i < 3; i++)
        {
            await _mail.NextBodyAsync("ann@example.com");
        }

        // Three queued, not five: the two beyond the quota were never written, so they cannot arrive later.
        Assert.Equal(3, _app.Count("email_outbox"));
        Assert.Equal(3, _mail.CountTo("ann@example.com"));
        Assert.Single(bodies.Distinct());

        _app.Clock.Advance(TimeSpan.FromHours(1));
        await client.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = "ann@example.com" });
        await _mail.NextBodyAsync("ann@example.com");
    }
}
