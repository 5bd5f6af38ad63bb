using System.Net;
using Latchkey.Testing;

namespace Latchkey.Server.Tests.Security;

/// <summary>
/// Issue #10.4: the ASVS 4.0.3 V2/V3 requirements that no feature test showed yet (the table is docs/security.md).
/// </summary>
public sealed class AsvsPasswordTests
{
    // ASVS 2.1.3: no truncation. bcrypt-style hashing silently drops everything after 72 bytes; the full password counts here.
    [Fact]
    public async Task A_long_password_is_not_truncated_its_first_72_bytes_do_not_log_in()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        var password = string.Concat(Enumerable.Repeat("violet kettle ", 8)) + "final words";
        (await client.RegisterAsync("ann@example.com", password)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.LoginAsync("ann@example.com", password[..72])).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.LoginAsync("ann@example.com", password[..^1])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com", password)).StatusCode);
    }

    // ASVS 2.1.4 and 2.1.9: any printable Unicode, spaces and emoji included, and no composition rules.
    [Theory]
    [InlineData("🔐 copper kettle 🌙")]
    [InlineData("пароль под фиолетовой луной")]
    [InlineData("銅のやかんと紫の月")]
    [InlineData("all lowercase words only")]
    public async Task Any_printable_Unicode_password_without_composition_rules_registers_and_logs_in(string password)
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();

        Assert.Equal(HttpStatusCode.OK, (await client.RegisterAsync("ann@example.com", password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.LoginAsync("ann@example.com", password)).StatusCode);
    }

    // ASVS 3.2.1: every authentication issues a new session token; an earlier one is never handed out again.
    [Fact]
    public async Task Each_login_issues_a_new_session_token()
    {
        using var app = new LatchkeyApp();
        using var client = await app.VisitorClientAsync();
        var registered = await (await client.RegisterAsync("ann@example.com")).JsonAsync();

        var tokens = new List<string> { registered.GetProperty("sessionToken").GetString()! };
        for (var i = 0; i < 3; i++)
        {
            tokens.Add((await (await client.LoginAsync("ann@example.com")).JsonAsync()).GetProperty("sessionToken").GetString()!);
        }

        Assert.Equal(tokens.Count, tokens.Distinct().Count());
    }
}
