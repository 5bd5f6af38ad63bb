using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

/// <summary>
/// /floor/refresh (issue #25): the least a stable member refresh in Latchkey's formats can do on this machine, for the
/// benchmark to set beside Latchkey's refresh. It reads the SDK's JSON body, decrypts and checks the refresh token
/// (HMAC-SHA256 inside A256KW / A256CBC-HS512, docs/tokens.md), reads in one statement by primary key what a refresh
/// must check (the token's row, its session and the member's status), and signs a new ES256 access token with a
/// member's claims. No client lookup, no framework pipeline, no ORM: what is left of a refresh when nothing else is.
/// </summary>
internal static class RefreshFloor
{
    private const string Issuer = "http://127.0.0.1/";

    public static async Task MapAsync(WebApplication app, string connection, bool postgres, SigningCredentials accessSigning)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var signing = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "floor-hs" };
        var encryption = new SymmetricSecurityKey(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) { KeyId = "floor-enc" };
        var (tokenId, sessionId, memberId, site) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var now = TimeProvider.System.GetUtcNow();
        var refreshToken = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            IssuedAt = now.UtcDateTime,
            Expires = now.UtcDateTime.AddDays(30),
            TokenType = "oi_reft+jwt",
            SigningCredentials = new SigningCredentials(signing, "HS256"),
            EncryptingCredentials = new EncryptingCredentials(encryption, "A256KW", "A256CBC-HS512"),
            Claims = new Dictionary<string, object>
            {
                ["sub"] = memberId.ToString(),
                ["site"] = site.ToString(),
                ["role"] = "member",
                ["sid"] = sessionId.ToString(),
                ["oi_scp"] = "offline_access",
                ["oi_prst"] = site.ToString(),
                ["oi_tkn_id"] = tokenId.ToString(),
            },
        });

        DbConnection Open() => postgres ? new NpgsqlConnection(connection) : new SqliteConnection(connection);
        await using (var db = Open())
        {
            await db.OpenAsync();
            await ExecuteAsync(db, """
                CREATE TABLE floor_members (id TEXT PRIMARY KEY, status TEXT NOT NULL);
                CREATE TABLE floor_sessions (id TEXT PRIMARY KEY, member_id TEXT NOT NULL, ended_at BIGINT NULL, expires_at BIGINT NOT NULL);
                CREATE TABLE floor_tokens (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, status TEXT NOT NULL, expires_at BIGINT NOT NULL);
                """);
            var expires = now.AddDays(30).ToUnixTimeSeconds();
            await ExecuteAsync(db, $"""
                INSERT INTO floor_members VALUES ('{memberId}', 'active');
                INSERT INTO floor_sessions VALUES ('{sessionId}', '{memberId}', NULL, {expires});
                INSERT INTO floor_tokens VALUES ('{tokenId}', '{sessionId}', 'valid', {expires});
                """);
        }

        var validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            ValidTypes = ["oi_reft+jwt"],
            IssuerSigningKey = signing,
            TokenDecryptionKey = encryption,
        };
        const string Read = """
            SELECT t.status, t.expires_at, s.ended_at, s.expires_at, m.status FROM floor_tokens t
            JOIN floor_sessions s ON s.id = t.session_id JOIN floor_members m ON m.id = s.member_id WHERE t.id = @id
            """;

        app.MapGet("/floor/refresh-token", () => refreshToken);
        app.MapPost("/floor/refresh", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var presented = body.RootElement.GetProperty("refreshToken").GetString();
            var result = await handler.ValidateTokenAsync(presented, validation);
            if (!result.IsValid || !Guid.TryParse(result.Claims["oi_tkn_id"] as string, out var id))
            {
                return Results.BadRequest();
            }

            var now = TimeProvider.System.GetUtcNow();
            await using (var db = Open())
            {
                await db.OpenAsync();
                await using var command = db.CreateCommand();
                command.CommandText = Read;
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@id";
                parameter.Value = id.ToString();
                command.Parameters.Add(parameter);
                await using var reader = await command.ExecuteReaderAsync();
                if (!await reader.ReadAsync() || reader.GetString(0) != "valid" || reader.GetInt64(1) <= now.ToUnixTimeSeconds() ||
                    !reader.IsDBNull(2) || reader.GetInt64(3) <= now.ToUnixTimeSeconds() || reader.GetString(4) != "active")
                {
                    return Results.BadRequest();
                }
            }

            var access = handler.CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                IssuedAt = now.UtcDateTime,
                Expires = now.UtcDateTime.AddHours(4),
                TokenType = "at+jwt",
                SigningCredentials = accessSigning,
                Claims = new Dictionary<string, object>
                {
                    ["scope"] = "offline_access",
                    ["jti"] = Guid.CreateVersion7().ToString(),
                    ["sub"] = result.Claims["sub"],
                    ["site"] = result.Claims["site"],
                    ["role"] = "member",
                    ["sid"] = result.Claims["sid"],
                    ["oi_prst"] = result.Claims["oi_prst"],
                    ["client_id"] = result.Claims["oi_prst"],
                },
            });
            return Results.Json(new { access_token = access, token_type = "Bearer", expires_in = 14400, scope = "offline_access" });
        });
    }

    private static async Task ExecuteAsync(DbConnection db, string sql)
    {
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
