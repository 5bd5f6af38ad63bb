using Latchkey.Core.Members;

namespace Latchkey.Core.Features.Import;
/// <summary>One member as an import file describes it, before validation (docs/import.md).</summary>
public sealed record ImportRecord
{
    public string? Email { get; init; }
    public string? PasswordHash { get; init; }

    /// <summary>bcrypt, aspnet-identity, pbkdf2, scrypt, firebase-scrypt, argon2i or argon2id; guessed from the hash when absent.</summary>
    public string? HashFormat { get; init; }

    /// <summary>The per-user salt Firebase exports beside the hash (base64).</summary>
    public string? PasswordSalt { get; init; }

    public bool? EmailVerified { get; init; }

    /// <summary>active (default), pending or blocked.</summary>
    public string? Status { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }
    public IdentityProfile? Profile { get; init; }
}
