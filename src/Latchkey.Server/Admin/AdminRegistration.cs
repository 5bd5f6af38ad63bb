namespace Latchkey.Server.Admin;

/// <summary>The admin operations, shared by the REST endpoints and the <c>latchkey</c> CLI.</summary>
public static class AdminRegistration
{
    public static IServiceCollection AddLatchkeyAdmin(this IServiceCollection services)
    {
        services.AddScoped<AdminAudit>();
        services.AddScoped<SiteAdmin>();
        services.AddScoped<ApiKeyAdmin>();
        services.AddScoped<ClientAdmin>();
        services.AddScoped<MemberAdmin>();
        services.AddScoped<MemberExport>();
        services.AddScoped<SigningKeyAdmin>();
        services.AddScoped<AuditAdmin>();
        services.AddScoped<BrandingAdmin>();
        services.AddScoped<CaptchaAdmin>();
        services.AddScoped<EmailSettingsAdmin>();
        services.AddScoped<IdentityProviderAdmin>();
        return services;
    }
}
