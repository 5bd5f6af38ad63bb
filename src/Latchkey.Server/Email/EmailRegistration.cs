using Latchkey.Core.Crypto;
using Latchkey.Core.Messaging;
using Latchkey.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Email;

public static class EmailRegistration
{
    public static IServiceCollection AddLatchkeyEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration($"{LatchkeyOptions.Section}:Email");
        services.AddSingleton(sp => new Sealer(sp.GetRequiredService<MasterKey>().Derive("outbox/v1")));
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<IEmailOutbox, SealedOutbox>();
        services.AddSingleton<SmtpTransport>();
        services.AddSingleton<EmlFileTransport>();
        services.AddSingleton<IEmailTransport>(sp => string.IsNullOrEmpty(sp.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp.Host)
            ? sp.GetRequiredService<EmlFileTransport>()
            : sp.GetRequiredService<SmtpTransport>());
        services.AddSingleton<EmailDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailDispatcher>());
        return services;
    }
}
