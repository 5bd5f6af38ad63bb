using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

// ASP.NET Core Identity's own token API (MapIdentityApi: /register, /login, /refresh), every default as shipped:
// PBKDF2-HMAC-SHA512 with 100,000 iterations, Data Protection bearer tokens (one hour) and refresh tokens (14 days),
// the security stamp checked on refresh. The only choice made here is the database, given as
//   --database "Data Source=<file>"            (SQLite, created on start)
//   --database "Host=...;Database=..." --postgres
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
await app.RunAsync();

internal sealed class PeerDb(DbContextOptions<PeerDb> options) : IdentityDbContext<IdentityUser>(options);
