using System.Text.Json;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Latchkey.Cli.Tests;

/// <summary>What one CLI run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement;

    public CliResult Ok()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Error}{Output}");
        return this;
    }
}

/// <summary>
/// Runs <c>latchkey</c> commands in-process against a temp data directory (a real SQLite file), with a fake clock;
/// the same entry point as the published binary, with stdout and stderr captured.
/// </summary>
public sealed class CliHarness : IDisposable
{
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("latchkey-cli-").FullName;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    /// <summary>Extra service changes for every run (e.g. another storage provider).</summary>
    public Action<IServiceCollection>? Configure { get; init; }

    public async Task<CliResult> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await LatchkeyCli.RunAsync([.. args, "--data-dir", DataDirectory], output, error, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            Configure?.Invoke(services);
        }, TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public async Task<CliResult> InitAsync() => (await RunAsync("init", "--json")).Ok();

    /// <summary>A member stored directly (as a registration would), with a PHC hash and one live session.</summary>
    public async Task<Member> AddMemberAsync(Guid siteId, string email, MemberStatus status = MemberStatus.Active)
    {
        using var host = LatchkeyCli.BuildHost(DataDirectory, services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            Configure?.Invoke(services);
        });
        using var scope = host.Services.CreateScope();
        var now = Clock.GetUtcNow();
        var member = new Member
        {
            Id = Guid.CreateVersion7(),
            SiteId = siteId,
            Email = email,
            NormalizedEmail = EmailAddress.Normalize(email),
            Status = status,
            PendingReasons = status == MemberStatus.Pending ? PendingReasons.AdminApprovalRequired : PendingReasons.None,
            EmailVerified = true,
            PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA",
            SecurityStamp = "stamp",
            Profile = new IdentityProfile { Nickname = email.Split('@')[0] },
            CreatedAt = now,
            UpdatedAt = now,
        };
        Assert.True(await scope.ServiceProvider.GetRequiredService<IMemberStore>().TryAddAsync(member, CancellationToken.None));
        await scope.ServiceProvider.GetRequiredService<IMemberSessionStore>().AddAsync(new MemberSession
        {
            Id = Guid.CreateVersion7(),
            SiteId = siteId,
            MemberId = member.Id,
            KeyVersion = 1,
            CreatedAt = now,
            ExpiresAt = now + MemberSession.IdleLifetime,
        }, CancellationToken.None);
        return member;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow runner is left to the OS temp cleaner.
        }
    }
}
