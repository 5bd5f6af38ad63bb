using System.Text;
using Latchkey.Core.Passwords;
using Latchkey.Core.Passwords.Imported;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Latchkey.Core.Tests;

/// <summary>
/// Every imported format against known vectors: published ones (RFC 7914, RFC 6070, Firebase's example), ones made
/// here by the real producers (ASP.NET Core Identity's <c>PasswordHasher&lt;T&gt;</c>, BCrypt.Net), and fixed strings
/// made by independent tools (Python's hashlib and crypt, the argon2 reference CLI) when this suite was written.
/// </summary>
public class ImportedHashTests
{
    public static TheoryData<string, string, string> Vectors => new()
    {
        // RFC 6070 PBKDF2-HMAC-SHA1 ("password", "salt", 4096), in PHC form.
        { "pbkdf2", "password", "$pbkdf2-sha1$i=4096$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE" },
        // hashlib.pbkdf2_hmac, PHC form and passlib's form (bare count, adapted base64).
        { "pbkdf2", "hunter2 pbkdf2", "$pbkdf2-sha256$i=29000$TmFDbE5hQ2xOYUNsTmFDbA$+1EgNC5zmcE1NZG+qZSELxz9DE4LHIvw9RoJ93m7NVE" },
        { "pbkdf2", "hunter2 pbkdf2", "$pbkdf2-sha512$25000$./8AAXNhbHRzYWx0$YjFW5lzW/.tzeYDSpTgHPLnaaQx2pSH/GRywnuwMhcohyP7CI/OIDeLwVy70wlfgGvLobXEN7yy71xY7SIeMXw" },
        // RFC 7914 §12, third vector, in PHC form; and a non-ASCII password from hashlib.scrypt.
        { "scrypt", "pleaseletmein", "$scrypt$ln=14,r=8,p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw" },
        { "scrypt", "pässwörd scrypt", "$scrypt$ln=10,r=8,p=1$c2FsdHlzYWx0IQ$cVhYUBoQRwPtwGKc1mfVdMTxJHWBYNzio4m8kKlEK10" },
        // Firebase's published example (firebase/scrypt README): project parameters and one exported user.
        { "firebase-scrypt", "user1password", FirebaseScryptVerifier.Compose(FirebaseExample, "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==", "42xEC+ixf3L2lw==") },
        // bcrypt: glibc's crypt ($2b$) and jBCrypt's published test vector ($2a$).
        { "bcrypt", "hunter2 bcrypt", "$2b$05$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq" },
        { "bcrypt", "abc", "$2a$06$If6bvum7DFjUnE9p2uDeDu0YHzrHM6tf.iqN8.yx.jNN1ILEf7h0i" },
        // ASP.NET Identity v3 (PBKDF2-HMAC-SHA512, 100,000 iterations) and v2, made with hashlib.
        { "aspnet-identity", "hunter2 identity", "$aspnet-identity$AQAAAAIAAYagAAAAEAABAgMEBQYHCAkKCwwNDg/gpegAM1ojxtxNezLjkfKmzgl1Q+h5kLApWZJ4jd9dSA==" },
        { "aspnet-identity", "hunter2 identity", "$aspnet-identity$AGRlZmdoaWprbG1ub3BxcnM65aLAHERxxoau1hBDxiimdIR092gddxySnQX94u6f/Q==" },
        // The argon2 reference CLI: Argon2i with t = 2 and two lanes (libsodium would refuse t < 3).
        { "argon2i", "hunter2 argon2i", "$argon2i$v=19$m=4096,t=2,p=2$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI" },
    };

    private static readonly FirebaseScryptParameters FirebaseExample = new(
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==", "Bw==", Rounds: 8, MemCost: 14);

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_vector_verifies_with_its_password_and_fails_with_another(string format, string password, string hash)
    {
        var verifier = ImportedHashes.Find(hash);

        Assert.NotNull(verifier);
        Assert.Equal(format, verifier.Format);
        Assert.Same(verifier, ImportedHashes.ByFormat(format));
        Assert.True(verifier.IsWellFormed(hash));
        Assert.True(verifier.Verify(password, hash));
        Assert.False(verifier.Verify(password + "x", hash));
        Assert.False(verifier.Verify("", hash));
    }

    [Theory]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV3)]
    [InlineData(PasswordHasherCompatibilityMode.IdentityV2)]
    public void Hashes_from_ASP_NET_Identitys_PasswordHasher_verify(PasswordHasherCompatibilityMode mode)
    {
        var identity = new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { CompatibilityMode = mode }));
        var hash = AspNetIdentityVerifier.Prefix + identity.HashPassword(new object(), "Identity pässword");

        var verifier = ImportedHashes.Find(hash)!;
        Assert.IsType<AspNetIdentityVerifier>(verifier);
        Assert.True(verifier.Verify("Identity pässword", hash));
        Assert.False(verifier.Verify("Identity password", hash));
    }

    [Theory]
    [InlineData('a')]
    [InlineData('b')]
    [InlineData('y')]
    public void Hashes_from_BCrypt_Net_verify(char revision)
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("bcrypt pässword", BCrypt.Net.BCrypt.GenerateSalt(4, revision));
        Assert.StartsWith($"$2{revision}$04$", hash);

        var verifier = ImportedHashes.Find(hash)!;
        Assert.IsType<BcryptVerifier>(verifier);
        Assert.True(verifier.Verify("bcrypt pässword", hash));
        Assert.False(verifier.Verify("bcrypt password", hash));
    }

    [Theory]
    [InlineData("", "", 16, 1, 1, "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")]
    [InlineData("password", "NaCl", 1024, 8, 16, "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")]
    [InlineData("pleaseletmein", "SodiumChloride", 16384, 8, 1, "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887")]
    public void Scrypt_matches_the_RFC_7914_vectors(string password, string salt, long n, int r, int p, string expected)
    {
        var actual = Scrypt.DeriveBytes(Encoding.UTF8.GetBytes(password), Encoding.UTF8.GetBytes(salt), n, r, p, 64);

        Assert.Equal(expected, Convert.ToHexStringLower(actual));
    }

    [Theory]
    [InlineData("$2b$31$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq")]
    [InlineData("$2b$05$tooshort")]
    [InlineData("$pbkdf2-sha256$i=99999999$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE")]
    [InlineData("$pbkdf2-md5$i=1000$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE")]
    [InlineData("$scrypt$ln=25,r=8,p=1$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE")]
    [InlineData("$scrypt$ln=10,r=8$c2FsdA$SwB5AbdlSJq+rUnZJvch0GWkKcE")]
    [InlineData("$aspnet-identity$not base64")]
    [InlineData("$aspnet-identity$AgAAAA==")]
    [InlineData("$argon2i$v=19$m=4194304,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI")]
    [InlineData("$firebase-scrypt$ln=14,r=8$!!$Bw==$42xEC+ixf3L2lw==$lSrf")]
    // Costs a login could be made to pay (review finding): outputs over 64 bytes multiply PBKDF2's work; Argon2 passes
    // and lanes beyond ImportedHashLimits; an Identity salt length that wrapped the old bounds check.
    [InlineData("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$scrypt$ln=10,r=8,p=1$c2FsdHNhbHRzYWx0$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2i$v=19$m=4096,t=2,p=2$c2FsdHNhbHRzYWx0MTIzNA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$argon2i$v=19$m=4096,t=11,p=2$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI")]
    [InlineData("$argon2i$v=19$m=4096,t=2,p=17$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI")]
    [InlineData("$aspnet-identity$AQAAAAEAAAPoAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("$aspnet-identity$AQAAAAEAAAPo////8AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_or_too_costly_hashes_are_refused_and_never_verify(string hash)
    {
        var verifier = ImportedHashes.Find(hash)!;

        Assert.False(verifier.IsWellFormed(hash));
        Assert.False(verifier.Verify("password", hash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA")]
    [InlineData("plain text")]
    [InlineData("$md5$whatever")]
    public void Argon2id_and_unknown_strings_have_no_imported_verifier(string? hash) =>
        Assert.Null(ImportedHashes.Find(hash));

    [Fact]
    public async Task The_hasher_verifies_an_imported_hash_and_asks_for_a_rehash_only_on_a_match()
    {
        var hasher = new PasswordHasher(new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = 1, QueueLimit = 4 })));
        const string Hash = "$2b$05$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq";

        var right = await hasher.VerifyAsync("hunter2 bcrypt", Hash, HashParameters.Default, CancellationToken.None);
        var wrong = await hasher.VerifyAsync("hunter2 bcrypT", Hash, HashParameters.Default, CancellationToken.None);

        Assert.Equal(new PasswordCheck(true, true), right.Value);
        Assert.Equal(new PasswordCheck(false, false), wrong.Value);
    }

    [Fact]
    public async Task An_imported_Argon2id_with_other_parameters_verifies_and_is_rehashed()
    {
        var hasher = new PasswordHasher(new HashingGate(Options.Create(new HashingOptions())));
        // The argon2 reference CLI with four lanes, m = 8 MiB, t = 3.
        const string Hash = "$argon2id$v=19$m=8192,t=3,p=4$c2FsdHNhbHRzYWx0NTY3OA$8dyRnFFNzk5A1Uyp2NI2KuV2u9iL8b2zyLZtZNwl2nQ";

        var right = await hasher.VerifyAsync("hunter2 argon2id", Hash, HashParameters.Default, CancellationToken.None);
        var wrong = await hasher.VerifyAsync("hunter2 argon2iD", Hash, HashParameters.Default, CancellationToken.None);

        Assert.Equal(new PasswordCheck(true, true), right.Value);
        Assert.False(wrong.Value.Matches);
    }

    [Fact]
    public async Task An_imported_hash_verifies_in_its_own_slots_not_in_the_Argon2id_ones()
    {
        // Verification runs inside a gate (PasswordHasher takes a lease first), the imported hashes' own (issue #21): with
        // its only slot taken and no queue, an imported hash is turned away as busy while Argon2id checks go on; with
        // every Argon2id slot taken instead, the imported hash still verifies.
        using var argon2id = new HashingGate(Options.Create(new HashingOptions { MaxConcurrency = 1, QueueLimit = 0 }));
        using var imported = new HashingGate(new HashingOptions { MaxConcurrency = 1, QueueLimit = 0 }, "imported");
        var hasher = new PasswordHasher(new HashingGates(argon2id, imported));
        const string Bcrypt = "$2b$05$abcdefghijklmnopqrstuuFSmJndo5wInIW0VOoKVLOLfJUWgGosq";

        using (await imported.TryEnterAsync(CancellationToken.None))
        {
            Assert.Equal("hashing_busy", (await hasher.VerifyAsync("x", Bcrypt, HashParameters.Default, CancellationToken.None)).Error?.Code);
            Assert.True((await hasher.VerifyAsync("x", null, new HashParameters(1, 64), CancellationToken.None, importedDummy: Bcrypt)).IsSuccess);
        }

        using (await argon2id.TryEnterAsync(CancellationToken.None))
        {
            Assert.Equal(new PasswordCheck(true, true), (await hasher.VerifyAsync("hunter2 bcrypt", Bcrypt, HashParameters.Default, CancellationToken.None)).Value);
        }
    }

    [Theory]
    [InlineData("$argon2id$v=19$m=8192,t=11,p=4$c2FsdHNhbHRzYWx0NTY3OA$8dyRnFFNzk5A1Uyp2NI2KuV2u9iL8b2zyLZtZNwl2nQ", "above the limit")]
    [InlineData("$argon2id$v=19$m=8192,t=3,p=17$c2FsdHNhbHRzYWx0NTY3OA$8dyRnFFNzk5A1Uyp2NI2KuV2u9iL8b2zyLZtZNwl2nQ", "above the limit")]
    [InlineData("$argon2id$v=19$m=8192,t=3,p=4$c2FsdHNhbHRzYWx0NTY3OA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "above the limit")]
    [InlineData("$argon2id$v=19$m=8192,t=3,p=4$c2FsdHNhbHRzYWx0NTY3OA$8dyRnFFNzk5A1Uyp2NI2KuV2u9iL8b2zyLZtZNwl2nQ", null)]
    public void An_imported_Argon2id_is_taken_only_within_the_cost_limits(string hash, string? problem)
    {
        var (stored, reported) = Latchkey.Core.Features.Import.ImportedPasswordHash.ToStored(
            new Latchkey.Core.Features.Import.ImportRecord { Email = "ann@example.com", PasswordHash = hash }, null);

        Assert.Equal(problem is null ? hash : null, stored);
        if (problem is not null)
        {
            Assert.Contains(problem, reported, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_hash_longer_than_the_column_is_a_bad_row_not_a_failed_batch()
    {
        // Within every format's own limits a bcrypt-looking string cannot get this long, but an unchecked one would
        // reach the database, where PostgreSQL's varchar(512) refuses the whole batch.
        var record = new Latchkey.Core.Features.Import.ImportRecord { Email = "ann@example.com", PasswordHash = "$2b$05$" + new string('a', 600), HashFormat = "bcrypt" };

        var (stored, problem) = Latchkey.Core.Features.Import.ImportedPasswordHash.ToStored(record, null);

        Assert.Null(stored);
        Assert.Contains("longer than 512", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Firebase_parameters_report_what_is_wrong()
    {
        Assert.Null(FirebaseExample.Problem);
        Assert.NotNull((FirebaseExample with { SignerKey = "%%" }).Problem);
        Assert.NotNull((FirebaseExample with { MemCost = 40 }).Problem);
    }
}
