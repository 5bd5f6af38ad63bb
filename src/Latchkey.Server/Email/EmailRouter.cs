using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using MailKit.Security;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Email;

/// <summary>
/// An SMTP server to deliver through, with its password already opened. <see cref="AdminSet"/>: the host came through the
/// admin API (a site's own settings), so the connection goes through the outbound policy (issue #21); the server's own
/// configuration is trusted.
/// </summary>
public sealed record SmtpTarget(string Host, int Port, SecureSocketOptions Security, string? UserName, string? Password, TimeSpan Timeout)
{
    public bool AdminSet { get; init; }
}

/// <summary>How one site's mail leaves: the sender, and SMTP or (when null) <c>.eml</c> files.</summary>
public sealed record EmailRoute(string From, SmtpTarget? Smtp);

/// <summary>
/// Chooses the route per site: the site's own SMTP settings, else the global <c>Latchkey:Email:Smtp</c>, else the
/// <c>.eml</c> outbox. The sender is the site's when it set one, else the global one.
/// </summary>
public sealed class EmailRouter(IOptions<EmailOptions> options, SmtpPasswordSealer sealer)
{
    public async Task<EmailRoute> RouteAsync(ISiteEmailSettingsStore store, Guid siteId, CancellationToken cancellationToken)
    {
        var global = options.Value;
        var site = await store.FindAsync(siteId, cancellationToken);
        var from = site?.From ?? global.From;
        if (site is not null)
        {
            var password = site.SealedPassword is { } sealedPassword ? sealer.Open(sealedPassword) : null;
            return new EmailRoute(from, new SmtpTarget(site.Host, site.Port, Map(site.Security), site.UserName, password, global.Smtp.Timeout) { AdminSet = true });
        }

        return string.IsNullOrEmpty(global.Smtp.Host)
            ? new EmailRoute(from, null)
            : new EmailRoute(from, new SmtpTarget(global.Smtp.Host, global.Smtp.Port, global.Smtp.Security, global.Smtp.UserName, global.Smtp.Password, global.Smtp.Timeout));
    }

    public static SecureSocketOptions Map(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.Auto,
    };
}
