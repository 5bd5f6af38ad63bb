using Latchkey.Core.AbuseProtection;

namespace Latchkey.Server.AbuseProtection;

public static class AbuseProtectionRegistration
{
    public static IServiceCollection AddAbuseProtection(this IServiceCollection services)
    {
        services.AddOptions<ThrottleOptions>().BindConfiguration(ThrottleOptions.Section);
        // No redirects: a verify URL answers itself, it does not send Latchkey elsewhere.
        services.AddHttpClient(CaptchaVerifier.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(3))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
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
