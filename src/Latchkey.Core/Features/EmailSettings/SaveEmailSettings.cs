using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.EmailSettings;

/// <summary>The settings as an admin sends them; <see cref="Password"/> null keeps the stored one.</summary>
public sealed record EmailSettingsInput(string? Host, int? Port, string? Security, string? UserName, string? Password, string? From);

/// <summary>
/// Sets a site's own SMTP server (Latchkey's admin API). Every problem is reported at once. The password is sealed
/// before it is stored; leaving it out keeps the stored one, so that reading the settings and writing them back
/// (the API never shows the password) does not erase it. A new user name without a password clears it.
/// <see cref="HandleAsync"/> checks and builds the settings; <see cref="SaveAsync"/> keeps them, once the host has also
/// been checked for where it leads (the server does that, issue #21).
/// </summary>
public sealed class SaveEmailSettings(ISiteEmailSettingsStore store, SmtpPasswordSealer sealer, TimeProvider clock)
{
    public async Task<Result<SiteEmailSettings>> HandleAsync(Guid siteId, EmailSettingsInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        if (string.IsNullOrWhiteSpace(input.Host) || input.Host.Length > 255 || input.Host.Any(char.IsWhiteSpace))
        {
            violations.Add(new FieldViolation("host", "host is the SMTP server's name or address.", "FORMAT", "STRING"));
        }

        if (input.Port is not (>= 1 and <= 65535))
        {
            violations.Add(new FieldViolation("port", "port is between 1 and 65535.", "RANGE", "NUMBER"));
        }

        SmtpSecurity security = SmtpSecurity.StartTls;
        if (input.Security is not null && !Enum.TryParse(input.Security, ignoreCase: true, out security))
        {
            violations.Add(new FieldViolation("security", "security is Auto, None, StartTls, StartTlsWhenAvailable or SslOnConnect.", "ENUM", "STRING"));
        }

        if (input.UserName is { Length: > 255 } || input.Password is { Length: > 1024 })
        {
            violations.Add(new FieldViolation("userName", "userName is at most 255 and password at most 1024 characters.", "MAX_LENGTH", "STRING"));
        }

        if (input.From is not null && !IsSender(input.From))
        {
            violations.Add(new FieldViolation("from", "from is an address, optionally with a name: Site <no-reply@site.example>.", "FORMAT", "EMAIL"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var existing = await store.FindAsync(siteId, cancellationToken);
        var userName = string.IsNullOrEmpty(input.UserName) ? null : input.UserName;
        var keepPassword = input.Password is null && existing?.UserName == userName ? existing?.SealedPassword : null;
        var settings = new SiteEmailSettings
        {
            SiteId = siteId,
            Host = input.Host!.Trim(),
            Port = input.Port!.Value,
            Security = security,
            UserName = userName,
            SealedPassword = userName is null ? null : input.Password is { } password ? sealer.Seal(password) : keepPassword,
            From = string.IsNullOrWhiteSpace(input.From) ? null : input.From.Trim(),
            UpdatedAt = clock.GetUtcNow(),
        };
        return settings;
    }

    public Task SaveAsync(SiteEmailSettings settings, CancellationToken cancellationToken) => store.SaveAsync(settings, cancellationToken);

    /// <summary><c>addr@host</c> or <c>Name &lt;addr@host&gt;</c>, with no line breaks (no header injection).</summary>
    private static bool IsSender(string from)
    {
        if (from.Length > 320 || from.Contains('\r', StringComparison.Ordinal) || from.Contains('\n', StringComparison.Ordinal))
        {
            return false;
        }

        var open = from.LastIndexOf('<');
        var address = open >= 0 && from.EndsWith('>') ? from[(open + 1)..^1] : from;
        return EmailAddress.Parse(address, "from").IsSuccess;
    }
}
