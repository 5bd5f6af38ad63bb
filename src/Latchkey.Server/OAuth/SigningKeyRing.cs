using System.Security.Cryptography;
using Latchkey.Server.Hosting;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// ES256 signing keys, persisted in the database with the private key encrypted (AES-GCM under a key derived from
/// the master key). The first start creates one; later starts (and other nodes) load the same ones.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, MasterKey masterKey, TimeProvider clock)
{
    /// <summary>How long a key signs before a new one takes over (rotation lands with the OAuth issue).</summary>
    public static readonly TimeSpan SigningPeriod = TimeSpan.FromDays(90);

    private readonly Lock _gate = new();
    private IReadOnlyList<ECDsaSecurityKey>? _keys;

    /// <summary>Newest first: the first one signs; all of them verify.</summary>
    public IReadOnlyList<ECDsaSecurityKey> Keys
    {
        get
        {
            lock (_gate)
            {
                return _keys ??= Load();
            }
        }
    }

    public async Task EnsureKeyAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (await db.SigningKeys.AnyAsync(k => k.RetiresAt > now, cancellationToken))
        {
            return;
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        db.SigningKeys.Add(new SigningKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Algorithm = SecurityAlgorithms.EcdsaSha256,
            EncryptedPrivateKey = Encrypt(ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
            RetiresAt = now + SigningPeriod,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    private List<ECDsaSecurityKey> Load()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
        var rows = db.SigningKeys.AsNoTracking().ToList().OrderByDescending(k => k.CreatedAt);
        var keys = new List<ECDsaSecurityKey>();
        foreach (var row in rows)
        {
            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(Decrypt(row.EncryptedPrivateKey), out _);
            keys.Add(new ECDsaSecurityKey(ecdsa) { KeyId = row.Id });
        }

        return keys.Count > 0 ? keys : throw new InvalidOperationException("No signing key exists; the bootstrap did not run.");
    }

    private byte[] Encrypt(byte[] plaintext)
    {
        using var aes = new AesGcm(masterKey.Derive("signing-keys/v1"), 16);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[16];
        aes.Encrypt(nonce, plaintext, ciphertext, tag);
        CryptographicOperations.ZeroMemory(plaintext);
        return [.. nonce, .. tag, .. ciphertext];
    }

    private byte[] Decrypt(byte[] sealedKey)
    {
        using var aes = new AesGcm(masterKey.Derive("signing-keys/v1"), 16);
        var plaintext = new byte[sealedKey.Length - 28];
        aes.Decrypt(sealedKey.AsSpan(0, 12), sealedKey.AsSpan(28), sealedKey.AsSpan(12, 16), plaintext);
        return plaintext;
    }
}
