using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/clients</c> (admin permission): list the API key's site's OAuth clients, show one, register one
/// (<c>POST</c>; a confidential client's secret is in the response once), change its name and allow-lists or replace
/// its secret (<c>PATCH</c>). The operations are <see cref="ClientAdmin"/>'s, shared with the CLI. RFC 9457 problems.
/// </summary>
public static class AdminClientEndpoints
{
    public sealed record CreateClientRequest(string? DisplayName, string? Kind, bool? Confidential, List<string>? RedirectUris, List<string>? AllowedOrigins);

    public sealed record ClientResponse(
        string ClientId, string? ClientSecret, string Kind, bool Confidential, string? DisplayName,
        IReadOnlyList<string> RedirectUris, IReadOnlyList<string> AllowedOrigins, DateTimeOffset CreatedAt)
    {
        public static ClientResponse From(ClientWithSecret c) => new(c.Client.ClientId, c.ClientSecret, c.Client.Kind, c.Client.Confidential,
            c.Client.DisplayName, c.Client.RedirectUris, c.Client.AllowedOrigins, c.Client.CreatedAt);
    }

    public static void MapAdminClientEndpoints(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/admin/v1/clients");
        clients.MapGet("", (HttpRequest request, CallerResolver callers, ClientAdmin admin, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c => TypedResults.Ok(new { clients = await admin.ListAsync(c.Site.Id, ct) }), ct))
            .Own<object>(ApiDocs.Admin, "The site's OAuth clients");
        clients.MapGet("/{clientId}", (string clientId, HttpRequest request, CallerResolver callers, ClientAdmin admin, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c => AdminResults.From(await admin.FindAsync(c.Site.Id, clientId, ct)), ct))
            .Own<ClientView>(ApiDocs.Admin, "One OAuth client");
        clients.MapPost("", (HttpRequest request, CallerResolver callers, ClientAdmin admin, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c =>
            {
                var body = await RequestBody.ReadAsync<CreateClientRequest>(request, ct);
                if (!body.IsSuccess)
                {
                    return Problems.ToResult(body.Error);
                }

                var input = body.Value;
                var created = await admin.CreateAsync(c.Actor, c.Site.Id,
                    new ClientInput(input.DisplayName, input.Kind, input.Confidential, input.RedirectUris, input.AllowedOrigins), ct);
                return AdminResults.From(created, x => TypedResults.Created($"/admin/v1/clients/{x.Client.ClientId}", ClientResponse.From(x)));
            }, ct))
            .Own<CreateClientRequest, ClientResponse>(ApiDocs.Admin, "Register an OAuth client for the site (the secret is shown once)", StatusCodes.Status201Created);
        clients.MapPatch("/{clientId}", (string clientId, HttpRequest request, CallerResolver callers, ClientAdmin admin, CancellationToken ct) =>
            AdminMemberEndpoints.WithAdminAsync(request, callers, async c =>
            {
                var body = await RequestBody.ReadAsync<ClientPatch>(request, ct);
                return !body.IsSuccess ? Problems.ToResult(body.Error)
                    : AdminResults.From(await admin.UpdateAsync(c.Actor, c.Site.Id, clientId, body.Value, ct), x => TypedResults.Ok(ClientResponse.From(x)));
            }, ct))
            .Own<ClientPatch, ClientResponse>(ApiDocs.Admin, "Change a client's name, redirect URIs or origins, or rotate its secret");
    }
}
