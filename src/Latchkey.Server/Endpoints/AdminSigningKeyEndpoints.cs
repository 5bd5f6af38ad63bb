using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>GET /admin/v1/signing-keys</c> lists the access-token signing keys and their state; <c>POST
/// /admin/v1/signing-keys/rotate</c> (server-admin permission, issue #21) makes a new key now, for example after a suspected leak. It
/// is published at once and signs on every node after the propagation delay (decision 0012); the previous key keeps
/// verifying only as long as its last tokens live. Keys are server-wide: the rotation is audited without a site and
/// shows in every site's log. RFC 9457 problems.
/// </summary>
public static class AdminSigningKeyEndpoints
{
    public static void MapAdminSigningKeyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/admin/v1/signing-keys", (HttpRequest request, CallerResolver callers, SigningKeyAdmin keys, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async _ => TypedResults.Ok(new { keys = await keys.ListAsync(ct) }), ct))
            .Own<object>(ApiDocs.Admin, "The signing keys: which one signs, which are published, when each retires");
        app.MapPost("/admin/v1/signing-keys/rotate", (HttpRequest request, CallerResolver callers, SigningKeyAdmin keys, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c => AdminResults.From(await keys.RotateAsync(c.Actor, ct)), ct))
            .Own<RotatedKeyView>(ApiDocs.Admin, "Publish a new signing key; it signs once every node has seen it (ADR 0012)");
    }
}
