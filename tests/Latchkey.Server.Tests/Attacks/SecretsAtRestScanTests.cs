using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Latchkey.Server.Email;
using Latchkey.Server.OAuth;
using Latchkey.Server.Tests.Mfa;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: someone with a copy of the database reads live codes and links. Before issue #21 the emailed verification
/// code sat in clear in <c>email_outbox.Subject</c>, and outbox rows were never purged. Now no emailed code or link
/// token is stored in clear anywhere: after each flow every text and blob column of every table of the SQLite file is
/// read and searched; sent rows keep no secret and are deleted after the retention period.
/// </summary>
public sealed partial class SecretsAtRestScanTests : IDisposable
{
    private const string Ann = "ann@example.com";
    private readonly SmtpMailbox _mail = new();
    private readonly LatchkeyApp _app;
    private readonly List<string> _secrets = [];

    public SecretsAtRestScanTests() => _app = new LatchkeyApp(settings: Attack.FromManyAddresses(_mail));

    public void Dispose()
    {
        _app.Dispose();
        _mail.Dispose();
    }

    [Fact]
    public async Task No_emailed_code_link_token_or_factor_secret_is_in_any_column_after_each_flow_and_sent_mail_is_purged()
    {
        await _app.RequireEmailVerificationAsync(enumerationSafe: true);
        using var visitor = await _app.VisitorClientAsync();

        var stateToken = (await (await visitor.RegisterAsync(Ann)).JsonAsync()).GetProperty("stateToken").GetString();
        await SeenAsync("register", Attack.CodeIn(await _mail.NextBodyAsync(Ann)), stateToken!);

        _app.Clock.Advance(TimeSpan.FromSeconds(31));
        (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/resend", new { stateToken })).EnsureSuccessStatusCode();
        await SeenAsync("resend", Attack.CodeIn(await _mail.NextBodyAsync(Ann)));

        var login = await (await visitor.LoginAsync(Ann)).JsonAsync();
        var code = Attack.CodeIn(await _mail.NextBodyAsync(Ann));
        await SeenAsync("login of a pending member", code, login.GetProperty("stateToken").GetString()!);

        var verified = await (await visitor.PostAsJsonAsync("/_api/iam/verification/v1/auth/verify", new { code, stateToken = login.GetProperty("stateToken").GetString() })).JsonAsync();
        await SeenAsync("verify", verified.GetProperty("sessionToken").GetString()!);

        (await visitor.RegisterAsync(Ann, "another long passphrase")).EnsureSuccessStatusCode();
        await _mail.NextBodyAsync(Ann); // the owner's notice
        await SeenAsync("enumeration-safe registration of a taken email");

        (await visitor.PostAsJsonAsync("/_api/iam/recovery/v1/send-email", new { email = Ann })).EnsureSuccessStatusCode();
        await SeenAsync("recovery email", Uri.UnescapeDataString(LinkToken().Match(await _mail.NextBodyAsync(Ann)).Groups[1].Value));

        using var admin = _app.ApiKeyClient();
        var memberId = verified.GetProperty("identity").GetProperty("id").GetString();
        var started = await (await admin.PostAsJsonAsync("/_api/iam/verification/v1/start", new { identityId = memberId, target = "EMAIL" })).JsonAsync();
        await SeenAsync("verification start", Attack.CodeIn(await _mail.NextBodyAsync(Ann)), started.GetProperty("verificationId").GetString()!);

        var mfa = new MfaMember
        {
            App = _app,
            Member = new NewMember(memberId!, Ann, verified.GetProperty("sessionToken").GetString()!),
            AccessToken = (await _app.MemberTokensAsync(verified.GetProperty("sessionToken").GetString()!)).AccessToken,
        };
        await mfa.EnrolAsync();
        await SeenAsync("MFA enrolment", [Convert.ToBase64String(mfa.Secret), OtpNet.Base32Encoding.ToString(mfa.Secret), .. mfa.RecoveryCodes]);

        // Sent messages keep no body, and are gone after the retention period.
        await _app.Services.GetRequiredService<EmailDispatcher>().DispatchDueAsync(CancellationToken.None);
        await SeenAsync("sending");
        _app.Clock.Advance(TimeSpan.FromDays(8));
        await _app.Services.GetRequiredService<ExpiredTokenCleanup>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(0L, _app.Count("email_outbox"));
    }

    /// <summary>Adds the flow's secrets to those seen so far and searches every column of every table for all of them.</summary>
    private Task SeenAsync(string flow, params string[] secrets)
    {
        _secrets.AddRange(secrets);
        using var connection = _app.OpenDatabase();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    var text = reader.GetValue(column) switch
                    {
                        string s => s,
                        byte[] bytes => Encoding.UTF8.GetString(bytes),
                        _ => null,
                    };
                    foreach (var secret in _secrets.Where(s => text is not null && Contains(text, s)))
                    {
                        Assert.Fail($"After {flow}: a secret ({secret[..Math.Min(6, secret.Length)]}…) is in clear in {table}.{reader.GetName(column)}");
                    }
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A six-digit code counts only as a word of its own: digits inside a digest or a number are chance.</summary>
    private static bool Contains(string text, string secret) => secret.Length > 6
        ? text.Contains(secret, StringComparison.Ordinal)
        : Regex.IsMatch(text, $"(?<![0-9A-Za-z+/=_-]){Regex.Escape(secret)}(?![0-9A-Za-z+/=_-])");

    [GeneratedRegex(@"/recovery/reset-password\?token=([A-Za-z0-9_%\-]+)")]
    private static partial Regex LinkToken();
}
