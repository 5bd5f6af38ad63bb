using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using Latchkey.Core.Features.Import;
using Latchkey.Core.Passwords;
using Latchkey.Core.Passwords.Imported;
using Latchkey.Server.Tests.Import;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.Attacks;

/// <summary>
/// Threat: imported password hashes as a lever. Before issue #21 they were checked at their own cost (bcrypt 16,
/// Argon2 1 GiB, PBKDF2 from one iteration) in the same hashing slots as Argon2id, while unknown emails got the
/// Argon2id dummy: imported members stood out by latency and could pin every slot. Now imports have cost ceilings and
/// a PBKDF2 minimum, imported hashes verify in slots of their own, and on a site holding imported hashes every login
/// does the same work: one Argon2id check and one check of the imported kind (real or dummy).
/// </summary>
[Collection(nameof(HashCounting))]
public sealed class ImportedHashAttackTests : IDisposable
{
    private readonly LatchkeyApp _app = new(settings: Settings());
    private readonly MeterListener _hashes = new();
    private long _argon2id;
    private long _imported;

    public ImportedHashAttackTests()
    {
        _hashes.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Latchkey" && instrument.Name == "latchkey.password_hashing.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _hashes.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "kind", Value: "imported" })
                {
                    Interlocked.Increment(ref _imported);
                    return;
                }
            }

            Interlocked.Increment(ref _argon2id);
        });
        _hashes.Start();
    }

    /// <summary>Full slots answer at once (no queue), and the three wrong passwords in a row need no CAPTCHA here.</summary>
    private static Dictionary<string, string?> Settings()
    {
        var settings = Attack.FromManyAddresses();
        settings["Latchkey:Hashing:QueueLimit"] = "0";
        settings["Latchkey:Hashing:Imported:QueueLimit"] = "0";
        settings["Latchkey:Captcha:DefaultMode"] = "off";
        return settings;
    }

    public void Dispose()
    {
        _hashes.Dispose();
        _app.Dispose();
    }

    [Theory]
    [InlineData("$2b$14$abcdefghijklmnopqrstuuHtr7bH1lE3Mz0w7ZKmW8Gu3Zd4TRpRa")]
    [InlineData("$pbkdf2-sha256$i=1$c2FsdHNhbHRzYWx0$+1EgNC5zmcE1NZG+qZSELxz9DE4LHIvw9RoJ93m7NVE")]
    [InlineData("$pbkdf2-sha256$i=999$c2FsdHNhbHRzYWx0$+1EgNC5zmcE1NZG+qZSELxz9DE4LHIvw9RoJ93m7NVE")]
    [InlineData("$argon2i$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI")]
    [InlineData("$scrypt$ln=20,r=8,p=1$c2FsdHlzYWx0IQ$cVhYUBoQRwPtwGKc1mfVdMTxJHWBYNzio4m8kKlEK10")]
    public void Imports_beyond_the_cost_ceilings_or_below_the_PBKDF2_minimum_are_refused(string hash)
    {
        var verifier = ImportedHashes.Find(hash);
        Assert.NotNull(verifier);
        Assert.False(verifier.IsWellFormed(hash), hash);
    }

    [Fact]
    public async Task Imported_hashes_verify_in_their_own_slots_and_every_login_on_the_site_does_the_same_work()
    {
        var bcrypt = ImportVectors.All[0];
        var file = Path.Combine(_app.DataDirectory, "members.jsonl");
        await File.WriteAllTextAsync(file, $$"""{"email":"imported@example.com","passwordHash":"{{bcrypt.Hash}}","hashFormat":"bcrypt"}""" + "\n", Encoding.UTF8);
        using (var scope = _app.Services.CreateScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<MemberImporter>().ImportAsync(
                new ImportOptions(Guid.Parse(_app.Bootstrap.SiteId), file, ImportFileFormat.Jsonl), CancellationToken.None);
            Assert.Equal(1, report.Value!.Imported);
        }

        var native = await _app.RegisterMemberAsync("native@example.com");
        using var visitor = await _app.VisitorClientAsync();

        // The same work for an unknown email, a native member and an imported member (wrong passwords: no rehash).
        foreach (var email in (string[])["nobody@example.com", native.Email, "imported@example.com"])
        {
            var (argon2id, imported) = (Interlocked.Read(ref _argon2id), Interlocked.Read(ref _imported));
            await (await visitor.LoginAsync(email, "a wrong password")).AssertWixErrorAsync(401, "invalid_credentials");
            Assert.Equal((1L, 1L), (Interlocked.Read(ref _argon2id) - argon2id, Interlocked.Read(ref _imported) - imported));
        }

        // Every Argon2id slot taken: the imported member still signs in, on the imported slots.
        var gate = _app.Services.GetRequiredService<HashingGate>();
        var leases = new List<IDisposable>();
        while (leases.Count < 64 && await gate.TryEnterAsync(CancellationToken.None) is { } lease)
        {
            leases.Add(lease);
        }

        try
        {
            Assert.Equal(HttpStatusCode.OK, (await visitor.LoginAsync("imported@example.com", bcrypt.Password)).StatusCode);
        }
        finally
        {
            leases.ForEach(l => l.Dispose());
        }

        // Every imported slot taken: imported members wait, native members do not.
        var importedGate = _app.Services.GetRequiredKeyedService<HashingGate>("imported");
        var held = new List<IDisposable>();
        while (held.Count < 64 && await importedGate.TryEnterAsync(CancellationToken.None) is { } lease)
        {
            held.Add(lease);
        }

        try
        {
            Assert.Equal(HttpStatusCode.OK, (await visitor.LoginAsync(native.Email)).StatusCode);
        }
        finally
        {
            held.ForEach(l => l.Dispose());
        }
    }
}
