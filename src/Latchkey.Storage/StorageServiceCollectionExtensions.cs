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
        services.AddScoped<IMemberDirectory, EfMemberDirectory>();
        services.AddScoped<IMemberImportStore, EfMemberImportStore>();
        services.AddScoped<ISessionTokenStore, EfSessionTokenStore>();
        services.AddScoped<IFlowStore, EfFlowStore>();
        services.AddScoped<ISiteStore, EfSiteStore>();
        services.AddScoped<IClientStore, EfClientStore>();
        services.AddScoped<IMemberSessionStore, EfMemberSessionStore>();
        services.AddScoped<IOutboxStore, EfOutboxStore>();
        services.AddScoped<EfThrottleStore>();
        services.AddScoped<Core.Storage.IThrottleStore>(s => s.GetRequiredService<EfThrottleStore>());
        services.AddScoped<Core.Storage.ICaptchaReplayStore>(s => s.GetRequiredService<EfThrottleStore>());
        services.AddScoped<Core.Storage.IGuessStore, EfGuessStore>();
        services.AddScoped<Core.Storage.IRegistrationDecoyStore, EfRegistrationDecoyStore>();
        services.AddScoped<IMfaStore, EfMfaStore>();
        services.AddScoped<ISiteEmailSettingsStore, EfSiteEmailSettingsStore>();
        services.AddScoped<IIdentityProviderStore, EfIdentityProviderStore>();
        services.AddScoped<ILinkedIdentityStore, EfLinkedIdentityStore>();
        services.AddScoped<IAuditLog, EfAuditLog>();
        services.AddScoped<IAdminStore, EfAdminStore>();
        return services;
    }
}
