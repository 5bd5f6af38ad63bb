using MailKit.Security;

namespace Latchkey.Server.Email;

/// <summary>
/// <c>Latchkey:Email</c>. With no SMTP host, messages are written as <c>.eml</c> files to
/// <c>&lt;data dir&gt;/outbox/</c> (and the path is logged), so a person running locally can read their codes.
/// </summary>
public sealed class EmailOptions
{
    /// <summary>The sender, e.g. <c>Latchkey &lt;no-reply@example.com&gt;</c>.</summary>
    public string From { get; set; } = "Latchkey <no-reply@localhost>";

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// Days a sent message's row (recipient, subject, times; never its body) is kept before it is deleted, and a message
    /// that used up its attempts with it. Default 7 (issue #21).
    /// </summary>
    public int SentRetentionDays { get; set; } = 7;
}

/// <summary><c>Latchkey:Email:Smtp</c>. Credentials come from the environment or user secrets.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary><c>Auto</c>, <c>None</c>, <c>StartTls</c>, <c>StartTlsWhenAvailable</c> or <c>SslOnConnect</c>. Default StartTls.</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    /// <summary>Connect and send timeout. Default 15 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}
