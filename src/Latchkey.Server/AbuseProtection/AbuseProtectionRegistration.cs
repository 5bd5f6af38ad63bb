using Latchkey.Core.AbuseProtection;

namespace Latchkey.Server.AbuseProtection;

public static class AbuseProtectionRegistration
{
    public static IServiceCollection AddAbuseProtection(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section);
        // No redirects: a verify URL answers itself, it does not send Latchkey elsewhere. Every connection goes through
        // the outbound policy, on the addresses the name resolves to at that moment (issue #21).
        services.AddSingleton<Outbound.OutboundPolicy>();
        services.AddHttpClient(CaptchaVerifier.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(3))
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                ConnectCallback = sp.GetRequiredService<Outbound.OutboundPolicy>().ConnectCallbackAsync,
            });
        services.AddSingleton<AltchaChallenges>();
        services.AddSingleton<CaptchaSecrets>();
        services.AddScoped<ICaptchaVerifier, CaptchaVerifier>();
        services.AddScoped<AbuseGuard>();
        services.AddScoped<QuietQuota>();
        services.AddHostedService<ExpiredCounterCleanup>();
        services.AddOptions<PasswordFileOptions>().BindConfiguration(PasswordFileOptions.Section);
        services.AddSingleton<Latchkey.Core.Passwords.IBreachedPasswords, BreachedPasswordFiles>();
        services.AddSingleton<Latchkey.Core.Passwords.PasswordRules>();
        return services;
    }
}
