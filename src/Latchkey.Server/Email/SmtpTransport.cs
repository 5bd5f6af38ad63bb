using MailKit.Net.Smtp;
using MimeKit;

namespace Latchkey.Server.Email;

/// <summary>
/// SMTP through MailKit, with the TLS mode and credentials of the message's route. A site's own server (set through the
/// admin API) is connected to through <see cref="Outbound.OutboundPolicy"/>: its name is resolved here, the address
/// checked, and MailKit gets the connected socket (the name stays the TLS server name).
/// </summary>
public sealed class SmtpTransport(Outbound.OutboundPolicy outbound)
{
    public async Task DeliverAsync(MimeMessage message, SmtpTarget smtp, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        if (smtp.AdminSet)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(smtp.Timeout);
            var socket = await outbound.ConnectAsync(smtp.Host, smtp.Port, timeout.Token);
            try
            {
                await client.ConnectAsync(socket, smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        else
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
        }
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
