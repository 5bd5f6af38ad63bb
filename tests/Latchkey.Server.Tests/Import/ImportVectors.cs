using Latchkey.Core.Passwords.Imported;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Import;

/// <summary>One password hash per imported format, with its password, as an import row carries it.</summary>
public sealed record ImportVector(string Name, string Password, string Hash, string? HashFormat = null, string? Salt = null);

public static class ImportVectors
{
    /// <summary>Firebase's published example project (firebase/scrypt README).</summary>
    public static readonly FirebaseScryptParameters Firebase = new(
        "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==", "Bw==", Rounds: 8, MemCost: 14);

    /// <summary>Made fresh by the real producers (BCrypt.Net, ASP.NET Core Identity) plus fixed independent vectors.</summary>
    public static IReadOnlyList<ImportVector> All { get; } =
    [
        new("bcrypt", "bcrypt pässword", BCrypt.Net.BCrypt.HashPassword("bcrypt pässword", BCrypt.Net.BCrypt.GenerateSalt(4))),
        new("aspnet-identity-v3", "identity v3 password", Identity(PasswordHasherCompatibilityMode.IdentityV3, "identity v3 password"), "aspnet-identity"),
        // No hashFormat: the bare base64 is recognised by its version marker and layout.
        new("aspnet-identity-v2", "identity v2 password", Identity(PasswordHasherCompatibilityMode.IdentityV2, "identity v2 password")),
        new("pbkdf2", "hunter2 pbkdf2", "$pbkdf2-sha256$i=29000$TmFDbE5hQ2xOYUNsTmFDbA$+1EgNC5zmcE1NZG+qZSELxz9DE4LHIvw9RoJ93m7NVE"),
        new("scrypt", "pässwörd scrypt", "$scrypt$ln=10,r=8,p=1$c2FsdHlzYWx0IQ$cVhYUBoQRwPtwGKc1mfVdMTxJHWBYNzio4m8kKlEK10"),
        new("firebase-scrypt", "user1password", "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==", "firebase-scrypt", "42xEC+ixf3L2lw=="),
        new("argon2i", "hunter2 argon2i", "$argon2i$v=19$m=4096,t=2,p=2$c2FsdHNhbHRzYWx0MTIzNA$f7g3I+PLsqALr9OKVnar0x+wO7jznYwNs6zfJoil1WI"),
        new("argon2id-other-cost", "hunter2 argon2id", "$argon2id$v=19$m=8192,t=3,p=4$c2FsdHNhbHRzYWx0NTY3OA$8dyRnFFNzk5A1Uyp2NI2KuV2u9iL8b2zyLZtZNwl2nQ"),
    ];

    private static string Identity(PasswordHasherCompatibilityMode mode, string password) =>
        new PasswordHasher<object>(Options.Create(new PasswordHasherOptions { CompatibilityMode = mode })).HashPassword(new object(), password);
}
