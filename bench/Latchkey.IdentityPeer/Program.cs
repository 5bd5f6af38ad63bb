using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

// ASP.NET Core Identity's own token API (MapIdentityApi: /register, /login, /refresh), every default as shipped:
// PBKDF2-HMAC-SHA512 with 100,000 iterations, Data Protection bearer tokens (one hour) and refresh tokens (14 days),
// the security stamp checked on refresh. The only choice made here is the database, given as
//   --database "Data Source=<file>"            (SQLite, created on start)
//   --database "Host=...;Database=..." --postgres true
// Kestrel's address comes from --urls, as for any ASP.NET Core app.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var connection = builder.Configuration["database"] ?? throw new InvalidOperationException("--database <connection string> is required");
var postgres = builder.Configuration.GetValue<bool>("postgres");
builder.Services.AddDbContext<PeerDb>(o => _ = postgres ? o.UseNpgsql(connection) : o.UseSqlite(connection));
builder.Services.AddAuthorization();
builder.Services.AddIdentityApiEndpoints<IdentityUser>().AddEntityFrameworkStores<PeerDb>();

var app = builder.Build();
using (var scope = app.Services.CreateScope())
{
    await scope.ServiceProvider.GetRequiredService<PeerDb>().Database.EnsureCreatedAsync();
}

app.MapIdentityApi<IdentityUser>();

// The floor (issue #25): the least a token endpoint can do on this machine, for the benchmark to set beside
// Latchkey's visitor tokens. /floor/json answers a fixed token-shaped body; /floor/es256 signs a new ES256 JWT
// with a fresh subject, the one thing a visitor token cannot skip. Neither reads the request body nor the database.
var floorKey = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
var floorHeader = Base64Url("""{"alg":"ES256","kid":"floor","typ":"at+jwt"}"""u8);
app.MapPost("/floor/json", () => Results.Json(new { access_token = "x", token_type = "Bearer", expires_in = 14400 }));
app.MapPost("/floor/es256", () =>
{
    var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
    var payload = Base64Url(System.Text.Encoding.UTF8.GetBytes(
        $$"""{"sub":"{{Guid.CreateVersion7()}}","role":"visitor","iat":{{now}},"exp":{{now + 14400}}}"""));
    var signingInput = floorHeader + "." + payload;
    var signature = floorKey.SignData(System.Text.Encoding.ASCII.GetBytes(signingInput), System.Security.Cryptography.HashAlgorithmName.SHA256);
    return Results.Json(new { access_token = signingInput + "." + Base64Url(signature), token_type = "Bearer", expires_in = 14400 });
});

// /floor/visitor: the tokens a visitor-token answer must carry, made by the library OpenIddict makes them with
// (Microsoft.IdentityModel's JsonWebTokenHandler) in the formats Latchkey answers: an ES256 access token with the
// claims of a visitor's, and a refresh token signed with HMAC-SHA256 and encrypted with A256KW / A256CBC-HS512
// (docs/tokens.md). No request parsing, no client, no database: what is left of a visitor token when nothing else is.
var visitorTokens = new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
var visitorSigning = new Microsoft.IdentityModel.Tokens.SigningCredentials(
    new Microsoft.IdentityModel.Tokens.ECDsaSecurityKey(floorKey) { KeyId = "floor" }, "ES256");
var privateSigning = new Microsoft.IdentityModel.Tokens.SigningCredentials(
    new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "floor-hs" }, "HS256");
var refreshEncryption = new Microsoft.IdentityModel.Tokens.EncryptingCredentials(
    new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "floor-enc" },
    "A256KW", "A256CBC-HS512");
app.MapPost("/floor/visitor", () =>
{
    var now = TimeProvider.System.GetUtcNow().UtcDateTime;
    var subject = Guid.CreateVersion7().ToString();
    var access = visitorTokens.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
    {
        Issuer = "http://127.0.0.1/",
        IssuedAt = now,
        Expires = now.AddHours(4),
        TokenType = "at+jwt",
        SigningCredentials = visitorSigning,
        Claims = new Dictionary<string, object>
        {
            ["scope"] = "offline_access",
            ["jti"] = Guid.CreateVersion7().ToString(),
            ["sub"] = subject,
            ["site"] = Guid.Empty.ToString(),
            ["role"] = "visitor",
            ["oi_prst"] = Guid.Empty.ToString(),
            ["client_id"] = Guid.Empty.ToString(),
        },
    });
    var refresh = visitorTokens.CreateToken(new Microsoft.IdentityModel.Tokens.SecurityTokenDescriptor
    {
        Issuer = "http://127.0.0.1/",
        IssuedAt = now,
        Expires = now.AddDays(365),
        TokenType = "oi_reft+jwt",
        SigningCredentials = privateSigning,
        EncryptingCredentials = refreshEncryption,
        Claims = new Dictionary<string, object>
        {
            ["sub"] = subject,
            ["site"] = Guid.Empty.ToString(),
            ["role"] = "visitor",
            ["oi_scp"] = "offline_access",
            ["oi_prst"] = Guid.Empty.ToString(),
            ["oi_tkn_id"] = Guid.CreateVersion7().ToString(),
        },
    });
    return Results.Json(new { access_token = access, token_type = "Bearer", expires_in = 14400, scope = "offline_access", refresh_token = refresh });
});
// /floor/refresh: the same for a member's stable refresh (RefreshFloor.cs).
await RefreshFloor.MapAsync(app, connection, postgres, visitorSigning);
await app.RunAsync();

static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

internal sealed class PeerDb(DbContextOptions<PeerDb> options) : IdentityDbContext<IdentityUser>(options);
