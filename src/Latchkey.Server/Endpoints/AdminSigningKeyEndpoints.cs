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
    public sealed record SigningKeyList(IReadOnlyList<SigningKeyView> Keys);

    public static void MapAdminSigningKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/admin/v1/signing-keys").RequireCaller(CallerKind.Admin);
        keys.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "The signing keys: which one signs, which are published, when each retires");
        keys.MapPost("/rotate", RotateAsync)
            .Own(ApiDocs.Admin, "Publish a new signing key; it signs once every node has seen it (ADR 0012)");
    }

    // call is bound for its check alone: an admin key of any site may see the server-wide keys' states.
    private static async Task<ApiResult<SigningKeyList>> ListAsync(Call call, SigningKeyAdmin keys, CancellationToken cancellationToken) =>
        new SigningKeyList(await keys.ListAsync(cancellationToken));

    private static async Task<ApiResult<RotatedKeyView>> RotateAsync(Call call, SigningKeyAdmin keys, CancellationToken cancellationToken) =>
        await keys.RotateAsync(call.Actor(), cancellationToken);
}
