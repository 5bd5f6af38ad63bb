using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Server.Configuration;
using Latchkey.Server.OAuth;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Admin;

/// <summary>
/// A signing key as listed. <c>state</c>: <c>pending</c> (published, signs after the propagation delay),
/// <c>signing</c>, <c>verifying</c> (older, still trusted for its last tokens) or <c>retired</c>.
/// </summary>
public sealed record SigningKeyView(string Kid, string Algorithm, DateTimeOffset CreatedAt, DateTimeOffset RetiresAt, string State);

/// <summary>A rotation's result: the new key, and when it starts signing.</summary>
public sealed record RotatedKeyView(string Kid, DateTimeOffset SignsFrom);

/// <summary>The access-token signing keys (server-wide, decisions 0009 and 0012): list and rotate, audited without a site.</summary>
public sealed class SigningKeyAdmin(SigningKeyRing ring, LatchkeyDbContext db, IOptions<LatchkeyOptions> options, AdminAudit audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<SigningKeyView>> ListAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var delay = options.Value.SigningKeys.PropagationDelay;
        var keys = await db.SigningKeys.AsNoTracking().ToListAsync(cancellationToken);
        // The ring's own order (SigningKeyRing.Order): newest first; the newest key published for the delay signs, or
        // the oldest live key when none is (right after the first start). Newer keys are pending, older ones verify.
        var newestFirst = keys.OrderByDescending(k => k.CreatedAt).ThenByDescending(k => k.Id, StringComparer.Ordinal).ToList();
        var live = newestFirst.Where(k => k.RetiresAt > now).ToList();
        var signer = live.FirstOrDefault(k => k.CreatedAt + delay <= now) ?? live.LastOrDefault();
        var signerIndex = signer is null ? -1 : live.IndexOf(signer);
        return [.. newestFirst.Select(k => new SigningKeyView(k.Id, k.Algorithm, k.CreatedAt, k.RetiresAt,
            k.RetiresAt <= now ? "retired" : k == signer ? "signing" : live.IndexOf(k) < signerIndex ? "pending" : "verifying"))];
    }

    public async Task<Result<RotatedKeyView>> RotateAsync(AdminActor actor, CancellationToken cancellationToken)
    {
        // Keys are shared by every site: only a server-wide caller (the CLI, a server-admin key) may rotate them, which
        // also ends the older keys' trust early and so makes every member of every site sign in again (ADR 0015). A
        // site's admin key could otherwise add server-wide keys without limit (issue #21).
        if (!actor.ServerWide)
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("Rotating the server's signing keys needs the CLI or an API key with the server-admin permission.");
        }

        const bool endOlderKeysTrust = true;
        var (kid, signsFrom) = await ring.RotateAsync(db, endOlderKeysTrust, cancellationToken);
        await audit.RecordAsync(actor, null, AuditActions.SigningKeyRotated, "signing_key", kid, new { signsFrom, endOlderKeysTrust }, cancellationToken);
        return new RotatedKeyView(kid, signsFrom);
    }
}
