namespace Latchkey.Storage;

/// <summary>
/// An access-token signing key (ES256). The private key is stored encrypted (AES-GCM under a key derived from the
/// master key), so a copy of the database alone cannot mint tokens.
/// </summary>
public sealed class SigningKey
{
    public required string Id { get; init; }
    public required string Algorithm { get; init; }
    public required byte[] EncryptedPrivateKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// After this the key is neither published nor trusted: the last token it can have signed has expired. A later
    /// rotation brings it forward (decision 0012).
    /// </summary>
    public DateTimeOffset RetiresAt { get; set; }
}
