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

    public sealed record ClientList(IReadOnlyList<ClientView> Clients);

    public static void MapAdminClientEndpoints(this IEndpointRouteBuilder app)
    {
        var clients = app.MapGroup("/admin/v1/clients").RequireCaller(CallerKind.Admin);
        clients.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "The site's OAuth clients");
        clients.MapGet("/{clientId}", GetAsync)
            .Own(ApiDocs.Admin, "One OAuth client");
        clients.MapPost("", CreateAsync)
            .Own<ClientResponse>(ApiDocs.Admin, "Register an OAuth client for the site (the secret is shown once)", StatusCodes.Status201Created);
        clients.MapPatch("/{clientId}", PatchAsync)
            .Own(ApiDocs.Admin, "Change a client's name, redirect URIs or origins, or rotate its secret");
    }

    private static async Task<ApiResult<ClientList>> ListAsync(Call call, ClientAdmin admin, CancellationToken cancellationToken) =>
        new ClientList(await admin.ListAsync(call.Site.Id, cancellationToken));

    private static async Task<ApiResult<ClientView>> GetAsync(string clientId, Call call, ClientAdmin admin, CancellationToken cancellationToken) =>
        await admin.FindAsync(call.Site.Id, clientId, cancellationToken);

    private static async Task<IResult> CreateAsync(Call<CreateClientRequest> call, ClientAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.Created(
            await admin.CreateAsync(call.Actor(), call.Site.Id, new ClientInput(
                call.Body.DisplayName, call.Body.Kind, call.Body.Confidential, call.Body.RedirectUris, call.Body.AllowedOrigins), cancellationToken),
            created => $"/admin/v1/clients/{created.Client.ClientId}", ClientResponse.From);

    private static async Task<ApiResult<ClientResponse>> PatchAsync(string clientId, Call<ClientPatch> call, ClientAdmin admin, CancellationToken cancellationToken) =>
        ApiResult.From(await admin.UpdateAsync(call.Actor(), call.Site.Id, clientId, call.Body, cancellationToken), ClientResponse.From);
}
