using System.Data.Common;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Hosting;
using Latchkey.Server.OAuth;
using Latchkey.Storage.Contract;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Latchkey.Testing;

/// <summary>
/// A fresh Latchkey per test: its own data directory with a real SQLite file (or, from
/// <see cref="OnPostgreSqlAsync"/>, a fresh PostgreSQL database), a fake clock that starts at the real now (OpenIddict's
/// own clock and Latchkey's agree until a test advances it), and the bootstrap values it printed.
/// </summary>
public sealed class LatchkeyApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private PostgresTestDatabase? _postgres;

    public LatchkeyApp(string? dataDirectory = null, Dictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory("latchkey-test-").FullName;
        _settings = settings ?? [];
    }

    /// <summary>
    /// Latchkey on a new, migrated database (from <paramref name="databases"/>) of the PostgreSQL server in
    /// <c>LATCHKEY_TEST_POSTGRES</c>; skipped without one. Disposing the app drops the database.
    /// </summary>
    public static async Task<LatchkeyApp> OnPostgreSqlAsync(MigratedPostgres databases, Dictionary<string, string?>? settings = null)
    {
        var database = await databases.CreateAsync();
        var all = new Dictionary<string, string?>(settings ?? [])
        {
            ["Latchkey:Storage:Provider"] = "PostgreSql",
            ["Latchkey:Storage:ConnectionString"] = database.ConnectionString,
        };
        return new LatchkeyApp(settings: all) { _postgres = database };
    }

    public string DataDirectory { get; }

    public bool OnPostgreSql => _postgres is not null;

    public FakeTimeProvider Clock { get; } = new(TimeProvider.System.GetUtcNow());

    /// <summary>When set, every request arrives from this address (the test server gives none).</summary>
    public System.Net.IPAddress? PeerAddress { get; init; }

    /// <summary>Changes to the server's services, applied after Latchkey's own (the fuzz suite removes background writers).</summary>
    public Action<IServiceCollection>? ConfigureTestServices { get; init; }

    public BootstrapValues Bootstrap =>
        JsonSerializer.Deserialize<BootstrapValues>(File.ReadAllText(Path.Combine(DataDirectory, "bootstrap.json")), JsonSerializerOptions.Web)!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Latchkey:DataDirectory", DataDirectory);
        // Tests change sites and clients in the database directly and expect the next request to see it.
        builder.UseSetting("Latchkey:Cache:SiteSeconds", "0");
        builder.UseSetting("Latchkey:Cache:ClientSeconds", "0");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            TestLogFiles.AddTo(services);
            if (PeerAddress is { } peer)
            {
                services.AddSingleton<IStartupFilter>(new PeerAddressFilter(peer));
            }

            ConfigureTestServices?.Invoke(services);
        });
    }

    /// <summary>A raw connection to the database file, to check what is (and is not) stored.</summary>
    public SqliteConnection OpenDatabase()
    {
        if (_postgres is not null)
        {
            throw new InvalidOperationException("This app runs on PostgreSQL: use Count, Scalar or Execute.");
        }

        var connection = new SqliteConnection($"Data Source={Path.Combine(DataDirectory, "latchkey.db")}");
        connection.Open();
        return connection;
    }

    public long Count(string table) => Scalar<long>($"SELECT COUNT(*) FROM \"{table}\"");

    /// <summary>The first column of the first row, on whichever database the app runs (the SQL must suit it).</summary>
    public T Scalar<T>(string sql)
    {
        using var connection = OpenAnyDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Marks a member's email verified, as its emailed code would, on whichever database the app runs.</summary>
    public void MarkEmailVerified(string memberId) =>
        Execute($"UPDATE members SET \"EmailVerified\" = {(_postgres is null ? "1" : "true")} WHERE lower(CAST(\"Id\" AS TEXT)) = '{memberId.ToLowerInvariant()}'");

    public void Execute(string sql)
    {
        using var connection = OpenAnyDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private DbConnection OpenAnyDatabase()
    {
        if (_postgres is null)
        {
            return OpenDatabase();
        }

        var connection = new NpgsqlConnection(_postgres.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>A visitor access token from the anonymous grant, as the Wix SDK gets one first.</summary>
    public async Task<string> VisitorTokenAsync()
    {
        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/oauth2/token", new { clientId = Bootstrap.ClientId, grantType = "anonymous" });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>An HTTP client that sends the visitor token the way the Wix SDK does: bare, no "Bearer".</summary>
    public async Task<HttpClient> VisitorClientAsync()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", await VisitorTokenAsync());
        return client;
    }

    public HttpClient ApiKeyClient(string? visitorToken = null)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation(
            "Authorization", visitorToken is null ? Bootstrap.ApiKey : $"{visitorToken},{Bootstrap.ApiKey}");
        return client;
    }

    private string? _serverAdminKey;

    /// <summary>
    /// A client with an API key of the bootstrap site that also holds server-admin, as the CLI grants it: rotating the
    /// server's signing keys needs one (issue #21).
    /// </summary>
    public async Task<HttpClient> ServerAdminClientAsync()
    {
        if (_serverAdminKey is null)
        {
            using var scope = Services.CreateScope();
            _serverAdminKey = (await scope.ServiceProvider.GetRequiredService<Latchkey.Server.Admin.ApiKeyAdmin>().CreateAsync(
                Latchkey.Server.Admin.AdminActor.Cli, Guid.Parse(Bootstrap.SiteId), "server admin", ApiKeyPermissions.Admin | ApiKeyPermissions.ServerAdmin,
                CancellationToken.None)).Value!.Key;
        }

        var client = CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", _serverAdminKey);
        return client;
    }

    /// <summary>A second site on the same server with its own Wix-SDK client; answers that client's id.</summary>
    public async Task<string> AddSiteWithClientAsync(string name = "Other site")
    {
        using var scope = Services.CreateScope();
        var site = new Site { Id = Guid.CreateVersion7(), Name = name, CreatedAt = Clock.GetUtcNow() };
        await scope.ServiceProvider.GetRequiredService<ISiteStore>().AddAsync(site, CancellationToken.None);
        var client = await scope.ServiceProvider.GetRequiredService<ClientRegistry>().CreateAsync(
            new ClientRegistration(site.Id, ClientKind.WixSdk, Confidential: false, name + " SDK client", ["http://localhost:4000/callback"], ["http://localhost:4000"]),
            CancellationToken.None);
        return client.ClientId;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        // Dispose(bool) runs twice (Dispose → DisposeAsync → Dispose): the database is dropped once, after the host stopped.
        if (Interlocked.Exchange(ref _postgres, null) is { } database)
        {
            database.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts status and the Wix envelope's stable code; returns the body for further checks.</summary>
    public static async Task<JsonElement> AssertWixErrorAsync(this HttpResponseMessage response, int status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("message").GetString()));
        return body;
    }

    public static string? WireCode(this JsonElement body) =>
        body.GetProperty("details").GetProperty("applicationError").GetProperty("code").GetString();

    public static StringContent Json(string raw) => new(raw, new MediaTypeHeaderValue("application/json"));
}

/// <summary>Sets the remote address of every request, before the rest of the pipeline sees it.</summary>
internal sealed class PeerAddressFilter(System.Net.IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}
