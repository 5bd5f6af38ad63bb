using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Registration;
using Latchkey.Core.Features.SignOn;
using Latchkey.Core.Passwords;
using Latchkey.Core.Tokens;
using Latchkey.Server.Endpoints;
using Latchkey.Server.Http;
using Latchkey.Server.OAuth;
using Latchkey.Storage.Sqlite;

namespace Latchkey.Server.Hosting;

/// <summary>Service registration and the request pipeline: <c>AddLatchkey()</c> and <c>MapLatchkey()</c>.</summary>
public static class LatchkeyServices
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplicationBuilder AddLatchkey(this WebApplicationBuilder builder)
    {
        var dataDirectory = DataDirectory.Resolve(builder.Configuration);
        var section = builder.Configuration.GetSection(LatchkeyOptions.Section);
        var options = section.Get<LatchkeyOptions>() ?? new LatchkeyOptions();
        builder.Services.AddOptions<LatchkeyOptions>().Bind(section).PostConfigure(o => o.DataDirectory = dataDirectory);
        builder.Services.AddOptions<HashingOptions>().Bind(section.GetSection("Hashing"));

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes);

        var masterKey = MasterKey.Load(options.MasterKey, dataDirectory);
        var services = builder.Services;
        services.AddSingleton(masterKey);
        services.AddSingleton(TokenHasher.FromMasterKey(masterKey.Bytes));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<HashingGate>();
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<SigningKeyRing>();
        services.AddSingleton<Bootstrapper>();

        var connectionString = section["Storage:ConnectionString"] is { Length: > 0 } configured
            ? configured
            : SqliteStorage.ConnectionStringFor(dataDirectory);
        services.AddLatchkeySqlite(connectionString);
        services.AddLatchkeyOpenIddict();

        services.AddScoped<CallerResolver>();
        services.AddScoped<OutcomeIssuer>();
        services.AddScoped<RegisterMember>();
        services.AddScoped<LogInMember>();
        services.AddScoped<SignOnMember>();
        return builder;
    }

    public static WebApplication MapLatchkey(this WebApplication app)
    {
        app.UseLatchkeyErrors();
        app.UseWixRequestId();
        app.UseAuthentication();

        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapRegistrationEndpoints();
        app.MapLoginEndpoints();
        app.MapSignOnEndpoints();
        app.MapValidateEmailEndpoints();
        app.MapLogoutEndpoints();
        return app;
    }
}
