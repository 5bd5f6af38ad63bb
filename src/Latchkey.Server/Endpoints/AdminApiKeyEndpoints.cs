using Latchkey.Core.Errors;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/api-keys</c> (issue #9): list the site's keys, create one (the key is in the response once), revoke one
/// with <c>DELETE</c>. A key cannot grant server-admin unless it holds it. RFC 9457 problems.
/// </summary>
public static class AdminApiKeyEndpoints
{
    public sealed record CreateApiKeyBody(string? Name, List<string>? Permissions);

    public static void MapAdminApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/admin/v1/api-keys");
        keys.MapGet("", async (HttpRequest request, CallerResolver callers, ApiKeyAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            return caller.IsSuccess ? TypedResults.Ok(new { apiKeys = await admin.ListAsync(caller.Value.Site.Id, ct) }) : Problems.ToResult(caller.Error);
        })
            .Own<object>(ApiDocs.Admin, "The site's API keys (never the keys themselves)");
        keys.MapPost("", async (HttpRequest request, CallerResolver callers, ApiKeyAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            if (!caller.IsSuccess)
            {
                return Problems.ToResult(caller.Error);
            }

            var body = await RequestBody.ReadAsync<CreateApiKeyBody>(request, ct);
            if (!body.IsSuccess)
            {
                return Problems.ToResult(body.Error);
            }

            if (ApiKeyAdmin.Parse(body.Value.Permissions ?? []) is not { } permissions)
            {
                return Problems.ToResult(LatchkeyErrors.Validation(new FieldViolation(
                    "permissions", "permissions are sign-on, admin or server-admin.", "ENUM", "STRING")));
            }

            var created = await admin.CreateAsync(caller.Value.Actor, caller.Value.Site.Id, body.Value.Name, permissions, ct);
            return AdminResults.From(created, c => TypedResults.Created($"/admin/v1/api-keys/{c.ApiKey.Id}", c));
        })
            .Own<CreateApiKeyBody, CreatedApiKey>(ApiDocs.Admin, "Create an API key with sign-on, admin or server-admin permissions (the key is shown once)", StatusCodes.Status201Created);
        keys.MapDelete("/{id:guid}", async (Guid id, HttpRequest request, CallerResolver callers, ApiKeyAdmin admin, CancellationToken ct) =>
        {
            var caller = await AdminCaller.ResolveAdminAsync(callers, request, ct);
            return !caller.IsSuccess ? Problems.ToResult(caller.Error)
                : AdminResults.From(await admin.RevokeAsync(caller.Value.Actor, caller.Value.Site.Id, id, ct), _ => TypedResults.NoContent());
        })
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Revoke an API key", StatusCodes.Status204NoContent);
    }
}
