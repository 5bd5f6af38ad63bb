using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Mfa;
using Latchkey.Core.Features.PasswordChange;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Features.SignOn;
using Latchkey.Core.Features.Verification;
using Latchkey.Core.Mfa;
using Latchkey.Core.Passwords;
using Latchkey.Core.Sessions;
using Latchkey.Core.Tokens;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Admin;
using Latchkey.Server.Caching;
using Latchkey.Server.Callers;
using Latchkey.Server.Configuration;
using Latchkey.Server.Cors;
using Latchkey.Server.Email;
using Latchkey.Server.Endpoints;
using Latchkey.Server.HostedPages;
using Latchkey.Server.Http;
using Latchkey.Server.OAuth;
using Latchkey.Server.Observability;
using Latchkey.Server.SocialSignIn;
using Latchkey.Server.WixSdk;
using Latchkey.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Hosting;

/// <summary>Service registration and the request pipeline: <c>AddLatchkey()</c> and <c>MapLatchkey()</c>.</summary>
public static class LatchkeyServices
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddLatchkey(this WebApplicationBuilder builder)
    {
        // Only when nothing says where to listen (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP(S)_PORTS, Kestrel endpoints).
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"]) &&
            string.IsNullOrEmpty(configuration["https_ports"]) && !configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // What the slim host (Program.cs) leaves out and operators configure: HTTPS endpoints under Kestrel:Endpoints,
        // and Logging:Console:FormatterName (json, docs/observability.md), which its simple console formatter
        // would otherwise override.
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(configuration.GetSection("Logging:Console"));

        builder.Services.AddLatchkey();
        builder.AddLatchkeyOtlpExporter();
        return builder;
    }

    /// <summary>
    /// Everything reads configuration through options, late: a test host's settings (or any configuration source
    /// added after <c>CreateBuilder</c>) are honoured.
    /// </summary>
    public static IServiceCollection AddLatchkey(this IServiceCollection services)
    {
        services.AddOptions<LatchkeyOptions>().BindConfiguration(LatchkeyOptions.Section)
            .PostConfigure(o => o.DataDirectory = DataDirectory.Locate(o.DataDirectory));
        services.AddOptions<HashingOptions>().BindConfiguration($"{LatchkeyOptions.Section}:Hashing");
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LatchkeyOptions>>(
            (kestrel, latchkey) => kestrel.Limits.MaxRequestBodySize = latchkey.Value.MaxRequestBodyBytes);

        services.AddSingleton(sp => MasterKey.Load(Options(sp).MasterKey, Options(sp).DataDirectory));
        services.AddSingleton(sp => TokenHasher.FromMasterKey(sp.GetRequiredService<MasterKey>().Bytes));
        services.TryAddSingleton(TimeProvider.System);
        // Two gates (issue #21): Argon2id, and slots of their own for hashes brought in by an import.
        services.AddSingleton(sp => new HashingGate(sp.GetRequiredService<IOptions<HashingOptions>>()));
        services.AddKeyedSingleton("imported", (sp, _) =>
        {
            var imported = HashingOptions.ImportedDefaults();
            sp.GetRequiredService<IConfiguration>().GetSection($"{LatchkeyOptions.Section}:Hashing:Imported").Bind(imported);
            return new HashingGate(imported, "imported");
        });
        services.AddSingleton(sp => new HashingGates(sp.GetRequiredService<HashingGate>(), sp.GetRequiredKeyedService<HashingGate>("imported")));
        services.AddSingleton(sp => new PasswordHasher(sp.GetRequiredService<HashingGates>()));
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<Bootstrapper>();

        // Pooled: options are built once and contexts are reused, instead of configuring EF on every request.
        services.AddDbContextPool<LatchkeyDbContext>((sp, db) => StorageSetup.Configure(db, Options(sp)));
        services.AddLatchkeyStores();
        services.AddCachedStores();
        services.AddLatchkeyOpenIddict();
        services.AddLatchkeySocialSignIn();
        services.AddSigningKeyRotation();
        services.AddLatchkeyEmail();
        services.AddAbuseProtection();
        services.AddLatchkeyTelemetry();

        services.AddScoped<AccessTokens>();
        services.AddScoped<CallerResolver>();
        services.AddScoped<CorsOrigins>();
        services.AddScoped<OutcomeIssuer>();
        services.AddScoped<RegisterMember>();
        services.AddScoped<Latchkey.Core.Features.Registration.DecoyRegistration>();
        services.AddScoped<LogInMember>();
        services.AddScoped<Latchkey.Core.Features.Import.MemberImporter>();
        services.AddScoped<SignOnMember>();
        services.AddScoped<SessionService>();
        services.AddScoped<Latchkey.Core.Features.Authorize.AuthorizeMember>();
        services.AddScoped<Latchkey.Core.Features.Logout.LogOutBrowser>();
        services.AddScoped<VerificationCodes>();
        services.AddScoped<Latchkey.Core.Features.Recovery.SendRecoveryEmail>();
        services.AddScoped<Latchkey.Core.Features.Recovery.RecoverPassword>();
        services.AddScoped<Latchkey.Core.Features.MemberApproval.ChangeMemberStatus>();
        services.AddScoped<VerifyEmailCode>();
        services.AddScoped<ResendVerificationCode>();
        services.AddScoped<StartVerification>();
        services.AddScoped<CompleteVerification>();
        services.AddScoped<ChangePassword>();
        // TOTP secrets are sealed under their own derived key, not the outbox's.
        services.AddSingleton(sp => new MfaSecretSealer(new Latchkey.Core.Crypto.Sealer(sp.GetRequiredService<MasterKey>().Derive("mfa/v1"))));
        // Identity providers' secrets and Apple's keys likewise (issue #26).
        services.AddSingleton(sp => new Latchkey.Core.SocialSignIn.IdentityProviderSecretSealer(
            new Latchkey.Core.Crypto.Sealer(sp.GetRequiredService<MasterKey>().Derive("identity-provider/v1"))));
        // A social identity waiting for its member's sign-in rides in the browser, sealed under its own key.
        services.AddSingleton(sp => new Latchkey.Core.SocialSignIn.PendingLinkSealer(
            new Latchkey.Core.Crypto.Sealer(sp.GetRequiredService<MasterKey>().Derive("pending-link/v1")), sp.GetRequiredService<TimeProvider>()));
        services.AddScoped<Latchkey.Core.Features.IdentityProviders.SaveIdentityProvider>();
        services.AddScoped<MfaFactors>();
        services.AddScoped<ManageMfa>();
        services.AddScoped<VerifyMfaCode>();
        services.AddScoped<Latchkey.Core.AbuseProtection.CodeGuessLimit>();
        services.AddScoped<Latchkey.Core.AbuseProtection.EmailCodeAllowance>();
        services.AddSingleton<PublicBaseUrl>();
        services.AddScoped<ClientRegistry>();
        services.AddScoped<TokenInfo>();
        services.AddScoped<RedirectSessions>();
        services.AddScoped<SessionCookieIssuer>();
        services.AddScoped<HostedFlow>();
        services.AddLatchkeyAdmin();
        services.AddMembersApi();
        services.AddDataProtectionInDatabase();
        services.AddAntiforgery(options => options.Cookie.Name = "lk_csrf");
        services.AddLatchkeyApiReference();
        services.AddLogRedaction();
        return services;
    }

    private static LatchkeyOptions Options(IServiceProvider services) =>
        services.GetRequiredService<IOptions<LatchkeyOptions>>().Value;

    public static WebApplication MapLatchkey(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(StartupMemory.Release);
        // Read at start, so that a malformed Latchkey:Outbound:AllowedNetworks stops the start rather than a request.
        app.Services.GetRequiredService<Outbound.OutboundPolicy>();
        app.UseLatchkeyForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseLatchkeyErrors();
        app.UseWixRequestId();
        app.UseLatchkeyCors();
        app.UseTokenFastPath();
        app.UseAuthentication();

        app.MapHealth();
        app.MapMetrics();
        app.MapRegistrationEndpoints();
        app.MapLoginEndpoints();
        app.MapSignOnEndpoints();
        app.MapValidateEmailEndpoints();
        app.MapLogoutEndpoints();
        app.MapAuthorizeEndpoints();
        app.MapHostedPages();
        app.MapWixSdkScripts();
        app.MapRedirectSessionEndpoints();
        app.MapSessionCookieEndpoints();
        app.MapPasswordChangeEndpoints();
        app.MapTokenInfoEndpoints();
        app.MapVerificationEndpoints();
        app.MapMfaEndpoints();
        app.MapSignOnPolicyEndpoints();
        app.MapMemberApprovalEndpoints();
        app.MapMembersEndpoints();
        app.MapRecoveryEndpoints();
        app.MapAdminClientEndpoints();
        app.MapCaptchaEndpoints();
        app.MapAdminPolicyEndpoints();
        app.MapAdminSigningKeyEndpoints();
        app.MapAdminBrandingEndpoints();
        app.MapAdminSiteEndpoints();
        app.MapAdminApiKeyEndpoints();
        app.MapAdminMemberEndpoints();
        app.MapAdminAuditEndpoints();
        app.MapEmailSettingsEndpoints();
        app.MapIdentityProviderEndpoints();
        app.MapSocialSignInEndpoints();
        app.MapLinkedIdentityEndpoints();
        app.MapLatchkeyApiReference();
        return app;
    }
}
