using Latchkey.Core.Crypto;
using Latchkey.Core.Features.EmailSettings;
using Latchkey.Core.Messaging;
using Latchkey.Core.Sites;
using Latchkey.Server.Configuration;

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
        // Site SMTP passwords are sealed under their own derived key.
        services.AddSingleton(sp => new SmtpPasswordSealer(new Sealer(sp.GetRequiredService<MasterKey>().Derive("site-smtp/v1"))));
        services.AddSingleton<EmailRouter>();
        services.AddScoped<SaveEmailSettings>();
        services.AddSingleton<EmailDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<EmailDispatcher>());
        return services;
    }
}
