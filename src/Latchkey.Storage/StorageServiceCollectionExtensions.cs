using Latchkey.Core.Messaging;
using Latchkey.Core.Mfa;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Storage.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the stores over <see cref="LatchkeyDbContext"/>; the provider project adds the context itself.</summary>
    public static IServiceCollection AddLatchkeyStores(this IServiceCollection services)
    {
        services.AddScoped<IMemberStore, EfMemberStore>();
        services.AddScoped<IMemberImportStore, EfMemberImportStore>();
        services.AddScoped<ISessionTokenStore, EfSessionTokenStore>();
        services.AddScoped<IFlowStore, EfFlowStore>();
        services.AddScoped<ISiteStore, EfSiteStore>();
        services.AddScoped<IClientStore, EfClientStore>();
        services.AddScoped<IMemberSessionStore, EfMemberSessionStore>();
        services.AddScoped<IOutboxStore, EfOutboxStore>();
        services.AddScoped<EfThrottleStore>();
        services.AddScoped<Core.AbuseProtection.IThrottleStore>(s => s.GetRequiredService<EfThrottleStore>());
        services.AddScoped<Core.AbuseProtection.ICaptchaReplayStore>(s => s.GetRequiredService<EfThrottleStore>());
        services.AddScoped<Core.AbuseProtection.IGuessStore, EfGuessStore>();
        services.AddScoped<Core.Features.Registration.IRegistrationDecoyStore, EfRegistrationDecoyStore>();
        services.AddScoped<IMfaStore, EfMfaStore>();
        services.AddScoped<ISiteEmailSettingsStore, EfSiteEmailSettingsStore>();
        services.AddScoped<IAuditLog, EfAuditLog>();
        services.AddScoped<IAdminStore, EfAdminStore>();
        return services;
    }
}
