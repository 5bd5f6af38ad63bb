using Latchkey.Core.Audit;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.IdentityProviders;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Latchkey.Server.Outbound;

namespace Latchkey.Server.Admin;

/// <summary>A site's identity provider registration as the admin surfaces show it: never the secret, only whether one is set.</summary>
public sealed record IdentityProviderView(
    Guid Id, string Kind, string DisplayName, string ClientId, bool ClientSecretSet, string? Issuer, string? Tenant, string? TeamId, string? KeyId,
    bool TrustEmail, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static IdentityProviderView From(IdentityProvider p) => new(p.Id, KindName(p.Kind), p.DisplayName, p.ClientId, p.SealedClientSecret is not null,
        p.Issuer, p.Tenant, p.TeamId, p.KeyId, p.TrustEmail, p.Enabled, p.CreatedAt, p.UpdatedAt);

    public static string KindName(IdentityProviderKind kind) => kind switch
    {
        IdentityProviderKind.GitHub => "github",
        IdentityProviderKind.OpenIdConnect => "openIdConnect",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>
/// A site's identity providers (issue #26, docs/identity-providers/README.md): list, add, change, remove, shared by the
/// REST API and the CLI. An OpenID provider's issuer is fetched by the server, so it must lead to a public address
/// (<see cref="OutboundPolicy"/>, issue #21), as an SMTP host must. Every change is audited with the secret masked.
/// </summary>
public sealed class IdentityProviderAdmin(IIdentityProviderStore store, SaveIdentityProvider step, OutboundPolicy outbound, AdminAudit audit)
{
    public async Task<IReadOnlyList<IdentityProviderView>> ListAsync(Guid siteId, CancellationToken cancellationToken) =>
        [.. (await store.ListAsync(siteId, cancellationToken)).Select(IdentityProviderView.From)];

    public async Task<Result<IdentityProviderView>> FindAsync(Guid siteId, Guid id, CancellationToken cancellationToken) =>
        await store.FindAsync(siteId, id, cancellationToken) is { } provider ? IdentityProviderView.From(provider) : LatchkeyErrors.IdentityProviderNotFound;

    public Task<Result<IdentityProviderView>> CreateAsync(AdminActor actor, Guid siteId, IdentityProviderInput input, CancellationToken cancellationToken) =>
        SaveAsync(actor, siteId, id: null, input, cancellationToken);

    public Task<Result<IdentityProviderView>> UpdateAsync(AdminActor actor, Guid siteId, Guid id, IdentityProviderInput input, CancellationToken cancellationToken) =>
        SaveAsync(actor, siteId, id, input, cancellationToken);

    public async Task<Result<bool>> DeleteAsync(AdminActor actor, Guid siteId, Guid id, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(siteId, id, cancellationToken))
        {
            return LatchkeyErrors.IdentityProviderNotFound;
        }

        await audit.RecordAsync(actor, siteId, AuditActions.IdentityProviderDeleted, "identity_provider", id.ToString(), null, cancellationToken);
        return true;
    }

    private async Task<Result<IdentityProviderView>> SaveAsync(AdminActor actor, Guid siteId, Guid? id, IdentityProviderInput input, CancellationToken cancellationToken)
    {
        var built = await step.HandleAsync(siteId, id, input, cancellationToken);
        if (built.IsFailure)
        {
            return built.Error;
        }

        var provider = built.Value;
        if (provider.Issuer is { } issuer && !await outbound.IsAllowedHostAsync(new Uri(issuer).Host, cancellationToken))
        {
            // Checked after the shape, before anything is kept: the previous registration stays.
            return LatchkeyErrors.Validation(new FieldViolation("issuer",
                "issuer leads to a loopback, private, link-local or otherwise non-public address; Latchkey:Outbound:AllowedNetworks can allow a network.",
                "PUBLIC_ADDRESS", "URL"));
        }

        if (!await step.SaveAsync(provider, isNew: id is null, cancellationToken))
        {
            return LatchkeyErrors.IdentityProviderNotFound;
        }

        await audit.RecordAsync(actor, siteId, id is null ? AuditActions.IdentityProviderCreated : AuditActions.IdentityProviderUpdated,
            "identity_provider", provider.Id.ToString(), new
            {
                kind = IdentityProviderView.KindName(provider.Kind),
                provider.DisplayName,
                provider.ClientId,
                provider.Issuer,
                provider.Tenant,
                provider.TeamId,
                provider.KeyId,
                provider.TrustEmail,
                provider.Enabled,
                clientSecret = input.ClientSecret is null ? "(kept)" : "(set)",
            }, cancellationToken);
        return IdentityProviderView.From(provider);
    }
}
