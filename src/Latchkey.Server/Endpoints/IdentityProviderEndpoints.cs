using Latchkey.Core.Features.IdentityProviders;
using Latchkey.Server.Admin;
using Latchkey.Server.Callers;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>/admin/v1/identity-providers</c> (admin permission; RFC 9457 problems): the API key's site's registrations with
/// Google, Apple, Microsoft, GitHub, Facebook and OpenID providers (issue #26, docs/identity-providers/README.md).
/// The secret is written, never read back. The operations are <see cref="IdentityProviderAdmin"/>'s, shared with the CLI.
/// </summary>
public static class IdentityProviderEndpoints
{
    public sealed record IdentityProviderRequest(
        string? Kind, string? DisplayName, string? ClientId, string? ClientSecret, string? Issuer, string? Tenant, string? TeamId, string? KeyId,
        bool? TrustEmail, bool? Enabled)
    {
        public IdentityProviderInput Input => new(Kind, DisplayName, ClientId, ClientSecret, Issuer, Tenant, TeamId, KeyId, TrustEmail, Enabled);
    }

    public sealed record IdentityProviderList(IReadOnlyList<IdentityProviderView> IdentityProviders);

    public static void MapIdentityProviderEndpoints(this IEndpointRouteBuilder app)
    {
        var providers = app.MapGroup("/admin/v1/identity-providers")
            .RequireCaller(CallerKind.Admin, "Identity providers need an API key with the admin permission.");
        providers.MapGet("", ListAsync)
            .Own(ApiDocs.Admin, "The site's identity providers (secrets are never shown)");
        providers.MapGet("/{id:guid}", GetAsync)
            .Own(ApiDocs.Admin, "One identity provider");
        providers.MapPost("", CreateAsync)
            .Own<IdentityProviderView>(ApiDocs.Admin, "Register the site with an identity provider", StatusCodes.Status201Created);
        providers.MapPatch("/{id:guid}", PatchAsync)
            .Own(ApiDocs.Admin, "Change an identity provider; absent fields, the secret included, keep their value");
        providers.MapDelete("/{id:guid}", DeleteAsync)
            .Own<ApiDocs.EmptyObject>(ApiDocs.Admin, "Remove an identity provider and every identity linked through it", StatusCodes.Status204NoContent);
    }

    private static async Task<ApiResult<IdentityProviderList>> ListAsync(Call call, IdentityProviderAdmin admin, CancellationToken cancellationToken) =>
        new IdentityProviderList(await admin.ListAsync(call.Site.Id, cancellationToken));

    private static async Task<ApiResult<IdentityProviderView>> GetAsync(Guid id, Call call, IdentityProviderAdmin admin, CancellationToken cancellationToken) =>
        await admin.FindAsync(call.Site.Id, id, cancellationToken);

    private static async Task<IResult> CreateAsync(Call<IdentityProviderRequest> call, IdentityProviderAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.Created(await admin.CreateAsync(call.Actor(), call.Site.Id, call.Body.Input, cancellationToken),
            created => $"/admin/v1/identity-providers/{created.Id}");

    private static async Task<ApiResult<IdentityProviderView>> PatchAsync(
        Guid id, Call<IdentityProviderRequest> call, IdentityProviderAdmin admin, CancellationToken cancellationToken) =>
        await admin.UpdateAsync(call.Actor(), call.Site.Id, id, call.Body.Input, cancellationToken);

    private static async Task<IResult> DeleteAsync(Guid id, Call call, IdentityProviderAdmin admin, CancellationToken cancellationToken) =>
        AdminResults.NoContent(await admin.DeleteAsync(call.Actor(), call.Site.Id, id, cancellationToken));
}
