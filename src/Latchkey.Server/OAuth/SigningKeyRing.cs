using System.Security.Cryptography;
using Latchkey.Server.Configuration;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;

namespace Latchkey.Server.OAuth;

/// <summary>
/// ES256 signing keys, persisted in the database with the private key encrypted (AES-GCM under a key derived from
/// the master key), so every node signs and verifies with the same keys. A new key is published (JWKS, validation)
/// as soon as a node reads it, but signs only after <see cref="SigningKeyOptions.PropagationDelay"/>, by which time
/// every node has read it (decision 0012): no node ever meets a token signed with a key it does not know. A key
/// signs for <see cref="SigningPeriod"/>; then a new key takes over, and the old one stays published and trusted
/// until the last token it signed has expired (refresh tokens included: ADR 0015). A change fires <see cref="GetServerChangeToken"/>, then
/// <see cref="GetValidationChangeToken"/>, which rebuild OpenIddict's options with the new set.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, MasterKey masterKey, IOptions<LatchkeyOptions> options, TimeProvider clock)
    : IDisposable
{
    /// <summary>How long a key signs before a new one takes over.</summary>
    public static readonly TimeSpan SigningPeriod = TimeSpan.FromDays(90);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private IReadOnlyList<ECDsaSecurityKey>? _keys;
    private CancellationTokenSource _serverChanged = new();
    private CancellationTokenSource _validationChanged = new();

    private TimeSpan PropagationDelay => options.Value.SigningKeys.PropagationDelay;

    /// <summary>
    /// How long a key stays trusted after its successor was created: two propagation delays (the successor's own,
    /// then up to one check for the slowest node to switch to it, with room to spare) and the lifetime of the
    /// longest-lived token the key may have signed last: a refresh token, not an access token (ADR 0015).
    /// </summary>
    private TimeSpan Overlap => (2 * PropagationDelay) + OpenIddictSetup.LongestTokenLifetime;

    /// <summary>
    /// After an early rotation (a suspected leak), the old keys are trusted only until their access tokens, which
    /// anyone holding the key could forge, have expired; the refresh tokens they signed then stop working too.
    /// </summary>
    private TimeSpan EarlyOverlap => (2 * PropagationDelay) + OpenIddictSetup.AccessTokenLifetime;

    /// <summary>The signing key first; then every other live key, newest first. All of them verify and are published.</summary>
    public IReadOnlyList<ECDsaSecurityKey> Keys
    {
        get
        {
            lock (_gate)
            {
                if (_keys is not null)
                {
                    return _keys;
                }
            }

            // Only before the first check (the bootstrapper runs one before the server listens).
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<LatchkeyDbContext>();
            RefreshAsync(db, CancellationToken.None).GetAwaiter().GetResult();
            lock (_gate)
            {
                return _keys!;
            }
        }
    }

    /// <summary>Fires when the keys change, for OpenIddict's server options (signing, JWKS).</summary>
    public IChangeToken GetServerChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_serverChanged.Token);
        }
    }

    /// <summary>Fires after <see cref="GetServerChangeToken"/>, for the validation options, which copy the server's keys.</summary>
    public IChangeToken GetValidationChangeToken()
    {
        lock (_gate)
        {
            return new CancellationChangeToken(_validationChanged.Token);
        }
    }

    /// <summary>
    /// Keys made before ADR 0015 were trusted for their signing period plus only the access-token overlap, so the
    /// refresh tokens they signed would stop when they retire. Such a key still carries exactly that
    /// <c>retires_at</c> (created + period + <see cref="EarlyOverlap"/>); it is given the overlap a key gets today.
    /// Run at every start (bootstrap); it changes nothing the second time. Keys whose trust a rotation already ended
    /// carry another <c>retires_at</c> and are left as they are. Answers how many keys were extended.
    /// </summary>
    public async Task<int> ExtendKeysMadeBeforeAdr0015Async(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var keys = await db.SigningKeys.ToListAsync(cancellationToken);
        var extended = 0;
        foreach (var key in keys.Where(k => k.RetiresAt > now && k.RetiresAt == k.CreatedAt + SigningPeriod + EarlyOverlap))
        {
            key.RetiresAt = key.CreatedAt + SigningPeriod + Overlap;
            extended++;
        }

        await db.SaveChangesAsync(cancellationToken);
        return extended;
    }

    /// <summary>Creates a key when none was created within the signing period (first start, or its period is over).</summary>
    public async Task<bool> EnsureKeyAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var signingFrom = clock.GetUtcNow() - SigningPeriod;
        if (await db.SigningKeys.AnyAsync(k => k.CreatedAt > signingFrom, cancellationToken))
        {
            return false;
        }

        await CreateAsync(db, early: false, cancellationToken);
        return true;
    }

    /// <summary>
    /// Creates a key now, whatever the current one's age (<c>POST /admin/v1/signing-keys/rotate</c>, <c>latchkey keys
    /// rotate</c>). With <paramref name="endOlderKeysTrust"/> (a suspected leak; server-wide callers only, since it signs
    /// every member of every site out) the older keys are trusted only until their access tokens expire; otherwise as
    /// long as any of their tokens lives. Answers the new key and when it starts signing.
    /// </summary>
    public async Task<(string KeyId, DateTimeOffset SignsFrom)> RotateAsync(LatchkeyDbContext db, bool endOlderKeysTrust, CancellationToken cancellationToken)
    {
        var key = await CreateAsync(db, early: endOlderKeysTrust, cancellationToken);
        await RefreshAsync(db, cancellationToken);
        return (key.Id, key.CreatedAt + PropagationDelay);
    }

    private async Task<SigningKey> CreateAsync(LatchkeyDbContext db, bool early, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = new SigningKey
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(12)),
            Algorithm = SecurityAlgorithms.EcdsaSha256,
            EncryptedPrivateKey = Encrypt(ecdsa.ExportPkcs8PrivateKey()),
            CreatedAt = now,
            RetiresAt = now + SigningPeriod + Overlap,
        };
        // The older keys sign until this one does; after that they only have to outlive their last tokens. (A
        // scheduled rotation changes nothing here; an early one, e.g. after a leak, ends the old key's trust sooner.)
        var until = now + (early ? EarlyOverlap : Overlap);
        foreach (var older in await db.SigningKeys.Where(k => k.RetiresAt > until).ToListAsync(cancellationToken))
        {
            older.RetiresAt = until;
        }

        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return key;
    }

    /// <summary>
    /// Re-reads the keys and which one signs; when that differs from what this node uses (a rotation here or on
    /// another node, a key whose propagation delay is over, a key past <c>retires_at</c>), swaps them and fires the
    /// change token. The database is read here only, never while OpenIddict rebuilds its options.
    /// </summary>
    public async Task<bool> RefreshAsync(LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        // One refresh at a time (the scheduled check and a rotation may meet): the later one reads the later state.
        await _refreshing.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            var rows = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
            var ordered = Order([.. rows.Where(k => k.RetiresAt > now)], now);
            var current = Volatile.Read(ref _keys);
            if (current is not null && ordered.Select(k => k.Id).SequenceEqual(current.Select(k => k.KeyId)))
            {
                return false;
            }

            var known = (current ?? []).ToDictionary(k => k.KeyId);
            var keys = ordered.Select(row => known.GetValueOrDefault(row.Id) ?? Open(row)).ToList();
            if (keys.Count == 0)
            {
                throw new InvalidOperationException("No signing key exists; the bootstrap did not run.");
            }

            CancellationTokenSource server, validation;
            lock (_gate)
            {
                _keys = keys;
                (server, validation) = (_serverChanged, _validationChanged);
                (_serverChanged, _validationChanged) = (new CancellationTokenSource(), new CancellationTokenSource());
            }

            // An options monitor rebuilds its options inside the callback, and the validation options copy the server
            // options' keys as they are then: with one token the two rebuilt in turn-about order, and every other
            // change left validation on the previous keys, refusing tokens the server had just signed.
            server.Cancel();
            validation.Cancel();
            server.Dispose();
            validation.Dispose();
            return true;
        }
        finally
        {
            _refreshing.Release();
        }
    }

    /// <summary>
    /// The signer is the newest key that has been published for the propagation delay; the very first key signs at
    /// once (no node holds another to sign with, and every node reads it at start).
    /// </summary>
    private List<SigningKey> Order(List<SigningKey> live, DateTimeOffset now)
    {
        var newestFirst = live.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).ToList();
        var signer = newestFirst.FirstOrDefault(k => k.CreatedAt + PropagationDelay <= now) ?? newestFirst.LastOrDefault();
        return signer is null ? [] : [signer, .. newestFirst.Where(k => k != signer)];
    }

    private ECDsaSecurityKey Open(SigningKey row)
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
        CryptographicOperations.ZeroMemory(pkcs8);
        return new ECDsaSecurityKey(ecdsa) { KeyId = row.Id };
    }

    public void Dispose()
    {
        _serverChanged.Dispose();
        _validationChanged.Dispose();
        _refreshing.Dispose();
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
