using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.OAuth;
using OpenIddict.Abstractions;

namespace Latchkey.Server.Admin;

/// <summary>An OAuth client as the admin surfaces show it (never its secret).</summary>
public sealed record ClientView(
    string ClientId, Guid SiteId, string Kind, bool Confidential, string? DisplayName,
    IReadOnlyList<string> RedirectUris, IReadOnlyList<string> AllowedOrigins, DateTimeOffset CreatedAt);

/// <summary>A new client, or one whose secret was replaced: <see cref="ClientSecret"/> is shown this once.</summary>
public sealed record ClientWithSecret(ClientView Client, string? ClientSecret);

/// <summary>What a new client is. <see cref="Kind"/> is <c>standard</c> (default) or <c>wixSdk</c>.</summary>
public sealed record ClientInput(string? DisplayName, string? Kind, bool? Confidential, IReadOnlyList<string>? RedirectUris, IReadOnlyList<string>? AllowedOrigins);

/// <summary>A partial change: absent lists keep their value; <see cref="RotateSecret"/> gives a confidential client a new secret.</summary>
public sealed record ClientPatch(string? DisplayName = null, IReadOnlyList<string>? RedirectUris = null, IReadOnlyList<string>? AllowedOrigins = null, bool RotateSecret = false);

/// <summary>
/// OAuth clients of a site: list, create and update, in both places a client lives (OpenIddict's application and
/// Latchkey's <see cref="SiteClient"/>), each change audited. The kind (refresh policy) is fixed at creation.
/// </summary>
public sealed class ClientAdmin(
    ClientRegistry registry, IClientStore clients, IOpenIddictApplicationManager applications, AdminAudit audit)
{
    public static string KindName(ClientKind kind) => kind == ClientKind.WixSdk ? "wixSdk" : "standard";

    public async Task<IReadOnlyList<ClientView>> ListAsync(Guid siteId, CancellationToken cancellationToken)
    {
        var views = new List<ClientView>();
        foreach (var client in await clients.FindBySiteAsync(siteId, cancellationToken))
        {
            views.Add(await ViewAsync(client, cancellationToken));
        }

        return views;
    }

    public async Task<Result<ClientView>> FindAsync(Guid siteId, string clientId, CancellationToken cancellationToken) =>
        await clients.FindOfSiteAsync(clientId, siteId, cancellationToken) is { } client
            ? await ViewAsync(client, cancellationToken)
            : LatchkeyErrors.ClientIdNotFound;

    public async Task<Result<ClientWithSecret>> CreateAsync(AdminActor actor, Guid siteId, ClientInput input, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var kind = input.Kind?.ToLowerInvariant() switch
        {
            null or "standard" => ClientKind.Standard,
            "wixsdk" or "wix-sdk" => ClientKind.WixSdk,
            _ => (ClientKind?)null,
        };
        if (kind is null)
        {
            violations.Add(new FieldViolation("kind", "kind is 'standard' or 'wixSdk'.", "ENUM", "STRING"));
        }

        var redirects = input.RedirectUris ?? [];
        var origins = input.AllowedOrigins ?? [];
        CheckLists(redirects, origins, violations);
        if (input.DisplayName is { Length: > 200 })
        {
            violations.Add(new FieldViolation("displayName", "displayName has at most 200 characters.", "MAX_LENGTH", "STRING"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var confidential = input.Confidential ?? false;
        var normalisedOrigins = origins.Select(o => o.TrimEnd('/')).ToList();
        var created = await registry.CreateAsync(new ClientRegistration(
            siteId, kind!.Value, confidential, input.DisplayName ?? "client", redirects, normalisedOrigins), cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.ClientCreated, "client", created.ClientId,
            new { kind = KindName(kind.Value), confidential, redirectUris = redirects, allowedOrigins = normalisedOrigins }, cancellationToken);
        var view = (await FindAsync(siteId, created.ClientId, cancellationToken)).ValueOrThrow();
        return new ClientWithSecret(view, created.ClientSecret);
    }

    public async Task<Result<ClientWithSecret>> UpdateAsync(
        AdminActor actor, Guid siteId, string clientId, ClientPatch patch, CancellationToken cancellationToken)
    {
        if (await clients.FindOfSiteAsync(clientId, siteId, cancellationToken) is not { } client ||
            await applications.FindByClientIdAsync(clientId, cancellationToken) is not { } application)
        {
            return LatchkeyErrors.ClientIdNotFound;
        }

        var violations = new List<FieldViolation>();
        CheckLists(patch.RedirectUris ?? [], patch.AllowedOrigins ?? [], violations);
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, cancellationToken);
        if (patch.RotateSecret && descriptor.ClientType != OpenIddictConstants.ClientTypes.Confidential)
        {
            violations.Add(new FieldViolation("rotateSecret", "Only a confidential client has a secret to replace.", "PRECONDITION", "BOOLEAN"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        string? secret = null;
        if (patch.RotateSecret)
        {
            secret = SecretGenerator.NewToken();
            descriptor.ClientSecret = secret;
        }

        descriptor.DisplayName = patch.DisplayName ?? descriptor.DisplayName;
        if (patch.RedirectUris is { } redirects)
        {
            descriptor.RedirectUris.Clear();
            foreach (var uri in redirects)
            {
                descriptor.RedirectUris.Add(new Uri(uri));
            }

            client = client with { RedirectUris = [.. redirects] };
        }

        if (patch.AllowedOrigins is { } origins)
        {
            client = client with { AllowedOrigins = [.. origins.Select(o => o.TrimEnd('/'))] };
        }

        await applications.UpdateAsync(application, descriptor, cancellationToken);
        await clients.UpdateAsync(client, cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.ClientUpdated, "client", clientId, new
        {
            displayName = patch.DisplayName,
            redirectUris = patch.RedirectUris,
            allowedOrigins = patch.AllowedOrigins is null ? null : client.AllowedOrigins,
            secretRotated = patch.RotateSecret,
        }, cancellationToken);
        return new ClientWithSecret((await FindAsync(siteId, clientId, cancellationToken)).ValueOrThrow(), secret);
    }

    private static void CheckLists(IReadOnlyList<string> redirects, IReadOnlyList<string> origins, List<FieldViolation> violations)
    {
        foreach (var uri in redirects.Where(u => !IsHttpUrl(u) || u.Contains('#', StringComparison.Ordinal)))
        {
            violations.Add(new FieldViolation("redirectUris", $"'{uri}' is not an absolute http(s) URI without a fragment.", "FORMAT", "URL"));
        }

        foreach (var origin in origins.Where(o => !IsHttpUrl(o) || new Uri(o).AbsolutePath != "/"))
        {
            violations.Add(new FieldViolation("allowedOrigins", $"'{origin}' is not an origin (scheme://host[:port]).", "FORMAT", "URL"));
        }
    }

    private async Task<ClientView> ViewAsync(SiteClient client, CancellationToken cancellationToken)
    {
        var application = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
        var type = application is null ? null : await applications.GetClientTypeAsync(application, cancellationToken);
        var name = application is null ? null : await applications.GetDisplayNameAsync(application, cancellationToken);
        return new ClientView(client.ClientId, client.SiteId, KindName(client.Kind), type == OpenIddictConstants.ClientTypes.Confidential,
            name, client.RedirectUris, client.AllowedOrigins, client.CreatedAt);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
