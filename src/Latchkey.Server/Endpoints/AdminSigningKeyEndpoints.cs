using Latchkey.Server.Http;
using Latchkey.Server.OAuth;
using Latchkey.Storage;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>POST /admin/v1/signing-keys/rotate</c> (admin permission): a new access-token signing key now, for example
/// after a suspected leak. It is published at once and signs on every node after the propagation delay
/// (decision 0012); the previous key keeps verifying only as long as its last tokens live. RFC 9457 problems.
/// </summary>
public static class AdminSigningKeyEndpoints
{
    public sealed record RotatedKey(string Kid, DateTimeOffset SignsFrom);

    public static void MapAdminSigningKeyEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/v1/signing-keys/rotate", RotateAsync)
            .Own<RotatedKey>(ApiDocs.Admin, "Publish a new signing key; it signs once every node has seen it (ADR 0012)");

    private static async Task<IResult> RotateAsync(
        HttpRequest request, CallerResolver callers, SigningKeyRing ring, LatchkeyDbContext db, CancellationToken cancellationToken)
    {
        var caller = await AdminCaller.ResolveAsync(callers, request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error!);
        }

        var (kid, signsFrom) = await ring.RotateAsync(db, cancellationToken);
        return TypedResults.Ok(new RotatedKey(kid, signsFrom));
    }
}
