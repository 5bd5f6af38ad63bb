using Latchkey.Core.Passwords;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

public class PasswordHasherTests
{
    // Cheap parameters keep the suite fast; the default (OWASP) parameters are measured by the benchmarks.
    private static readonly HashParameters Cheap = new(Iterations: 1, MemoryKiB: 64);

    private static PasswordHasher NewHasher(int concurrency = 2, int queue = 8) =>
        new(new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = concurrency, QueueLimit = queue })));

    [Fact]
    public async Task Hash_is_an_argon2id_PHC_string_with_the_parameters()
    {
        var hash = await NewHasher().HashAsync("correct horse", Cheap, CancellationToken.None);

        Assert.StartsWith("$argon2id$v=19$m=64,t=1,p=1$", hash.Value);
    }

    [Fact]
    public async Task Default_parameters_are_OWASP_m19MiB_t2_p1()
    {
        var hash = await NewHasher().HashAsync("correct horse", HashParameters.Default, CancellationToken.None);

        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash.Value);
    }

    [Fact]
    public async Task Verify_accepts_the_right_password_and_rejects_a_wrong_one()
    {
        var hasher = NewHasher();
        var hash = (await hasher.HashAsync("correct horse", Cheap, CancellationToken.None)).Value;

        Assert.True((await hasher.VerifyAsync("correct horse", hash, Cheap, CancellationToken.None)).Value.Matches);
        Assert.False((await hasher.VerifyAsync("correct horsf", hash, Cheap, CancellationToken.None)).Value.Matches);
    }

    [Fact]
    public async Task Equivalent_unicode_forms_verify_alike()
    {
        var hasher = NewHasher();
        var hash = (await hasher.HashAsync("caf\u00e9 au lait", Cheap, CancellationToken.None)).Value;

        Assert.True((await hasher.VerifyAsync("cafe\u0301 au lait", hash, Cheap, CancellationToken.None)).Value.Matches);
    }

    [Fact]
    public async Task Verify_flags_a_rehash_when_the_site_parameters_changed()
    {
        var hasher = NewHasher();
        var hash = (await hasher.HashAsync("correct horse", Cheap, CancellationToken.None)).Value;

        var same = await hasher.VerifyAsync("correct horse", hash, Cheap, CancellationToken.None);
        var stronger = await hasher.VerifyAsync("correct horse", hash, Cheap with { Iterations = 2 }, CancellationToken.None);

        Assert.False(same.Value.NeedsRehash);
        Assert.True(stronger.Value.NeedsRehash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("$2b$10$notanargonhash")]
    public async Task Verify_without_an_argon2id_hash_never_matches(string? stored)
    {
        var check = await NewHasher().VerifyAsync("anything at all", stored, Cheap, CancellationToken.None);

        Assert.True(check.IsSuccess);
        Assert.False(check.Value.Matches);
    }

    [Fact]
    public async Task A_full_queue_turns_the_caller_away_with_retry_after()
    {
        var gate = new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = 1, QueueLimit = 0, RetryAfterSeconds = 3 }));
        var hasher = new PasswordHasher(gate);
        using var held = await gate.TryEnterAsync(CancellationToken.None);

        var result = await hasher.HashAsync("correct horse", Cheap, CancellationToken.None);

        Assert.Equal("hashing_busy", result.Error!.Code);
        Assert.Equal(429, result.Error.Status);
        Assert.Equal(3, result.Error.RetryAfterSeconds);
    }
}
