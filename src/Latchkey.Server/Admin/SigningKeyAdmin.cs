using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Server.Hosting;
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

/// <summary>The audit log of a site (and the server-wide events) with filters and cursor paging, newest first.</summary>
public sealed class AuditAdmin(IAuditLog log, IAdminStore admin)
{
    public const int MaxPageSize = 200;

    /// <summary>What a site's key sees instead of another site's key on a server-wide event.</summary>
    public const string OtherSitesKey = "api-key:other-site";

    public sealed record AuditEventView(
        long Id, Guid? SiteId, DateTimeOffset OccurredAt, string Actor, string Action, string TargetType, string TargetId, System.Text.Json.JsonElement Details);

    public async Task<Result<Page<AuditEventView>>> QueryAsync(
        AdminActor viewer, Guid siteId, string? action, string? actor, string? target, DateTimeOffset? from, DateTimeOffset? to, int? pageSize, string? cursor,
        CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var size = pageSize ?? 50;
        if (size is < 1 or > MaxPageSize)
        {
            violations.Add(new FieldViolation("pageSize", $"pageSize is between 1 and {MaxPageSize}.", "RANGE", "NUMBER"));
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (long.TryParse(Cursor.Decode(cursor), System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                before = id;
            }
            else
            {
                violations.Add(new FieldViolation("cursor", "cursor is the nextCursor of a previous page.", "FORMAT", "STRING"));
            }
        }

        // target is "<type>" or "<type>:<id>", e.g. member or member:0193...
        string? targetType = null, targetId = null;
        if (!string.IsNullOrEmpty(target))
        {
            var colon = target.IndexOf(':', StringComparison.Ordinal);
            (targetType, targetId) = colon < 0 ? (target, null) : (target[..colon], target[(colon + 1)..]);
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var events = await log.QueryAsync(siteId, new AuditQuery(
            Blank(action), Blank(actor), Blank(targetType), Blank(targetId), from, to, size, before), cancellationToken);
        var next = events.Count == size ? Cursor.Encode(events[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;

        // Server-wide events (signing keys) concern every site, so each site's log shows them; but which other site's
        // key caused one is that site's business, so a site's key sees such an actor as OtherSitesKey. The site's keys
        // are read only when the page holds a server-wide event by a key other than the viewer's.
        static bool ByAnotherKey(AuditEvent e, AdminActor viewer) =>
            e.SiteId is null && e.Actor.StartsWith("api-key:", StringComparison.Ordinal) && e.Actor != viewer.Name;
        var ownKeys = viewer.ServerWide || !events.Any(e => ByAnotherKey(e, viewer))
            ? null
            : (await admin.ListApiKeysAsync(siteId, cancellationToken)).Select(k => $"api-key:{k.Id}").ToHashSet(StringComparer.Ordinal);
        string Actor(AuditEvent e) => ownKeys is null || !ByAnotherKey(e, viewer) || ownKeys.Contains(e.Actor) ? e.Actor : OtherSitesKey;

        return new Page<AuditEventView>([.. events.Select(e => new AuditEventView(
            e.Id, e.SiteId, e.OccurredAt, Actor(e), e.Action, e.TargetType, e.TargetId, System.Text.Json.JsonDocument.Parse(e.Details).RootElement))], next);
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
