namespace Latchkey.Core.Sites;

/// <summary>How the SMTP connection is secured (the names MailKit's <c>SecureSocketOptions</c> uses).</summary>
public enum SmtpSecurity
{
    Auto = 0,
    None = 1,
    StartTls = 2,
    StartTlsWhenAvailable = 3,
    SslOnConnect = 4,
}
