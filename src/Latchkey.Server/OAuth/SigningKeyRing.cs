using System.Security.Cryptography;
using Latchkey.Server.Hosting;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// ES256 signing keys, persisted in the database with the private key encrypted (AES-GCM under a key derived from
/// the master key), so every node signs and verifies with the same keys. A key signs for
/// <see cref="SigningPeriod"/>; then a new key takes over, and the old one stays published (JWKS) and trusted until
/// the last access token it signed has expired. A change fires <see cref="GetChangeToken"/>, which rebuilds
/// OpenIddict's options with the new set.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, MasterKey masterKey, TimeProvider clock) : IDisposable
{
    /// <summary>How long a key signs before a new one takes over.</summary>
    public static readonly TimeSpan SigningPeriod = TimeSpan.FromDays(90);

    private readonly Lock _gate = new();
    private IReadOnlyList<ECDsaSecurityKey>? _keys;
    private CancellationTokenSource _changed = new();

    /// <summary>Newest first: the first one signs; all of them verify and are published.</summary>
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

    public IChangeToken GetChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_changed.Token);
        }
    }

    /// <summary>Creates a key when none signs any more (first start, or its period is over).</summary>
    public async Task<bool> EnsureKeyAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var signingFrom = now - SigningPeriod;
        if (await db.SigningKeys.AnyAsync(k => k.CreatedAt > signingFrom, cancellationToken))
        {
            return false;
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        db.SigningKeys.Add(new SigningKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Algorithm = SecurityAlgorithms.EcdsaSha256,
            EncryptedPrivateKey = Encrypt(ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
            RetiresAt = now + SigningPeriod + OpenIddictSetup.AccessTokenLifetime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>Re-reads the keys when the published set differs (a rotation here or on another node).</summary>
    public async Task<bool> RefreshAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var live = (await db.SigningKeys.AsNoTracking().Select(k => new { k.Id, k.RetiresAt }).ToListAsync(cancellationToken))
            .Where(k => k.RetiresAt > now).Select(k => k.Id).Order().ToList();
        lock (_gate)
        {
            if (_keys is not null && live.SequenceEqual(_keys.Select(k => k.KeyId).Order()))
            {
                return false;
            }

            _keys = null;
            var previous = _changed;
            _changed = new CancellationTokenSource();
            previous.Cancel();
            previous.Dispose();
            return true;
        }
    }

    public void Dispose() => _changed.Dispose();

    private List<ECDsaSecurityKey> Load()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
        var now = clock.GetUtcNow();
        var rows = db.SigningKeys.AsNoTracking().ToList().Where(k => k.RetiresAt > now).OrderByDescending(k => k.CreatedAt);
        var keys = new List<ECDsaSecurityKey>();
        foreach (var row in rows)
        {
            byte[] pkcs8;
            try
            {
                pkcs8 = Decrypt(row.EncryptedPrivateKey);
            }
            catch (CryptographicException e)
            {
                throw new StartupException(
                    "The signing keys in the database were sealed with another master key. Every node that shares a database " +
                    "must be given the same Latchkey:MasterKey (environment Latchkey__MasterKey).", e);
            }

            var ecdsa = ECDsa.Create();
            ecdsa.ImportPkcs8PrivateKey(pkcs8, out _);
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
