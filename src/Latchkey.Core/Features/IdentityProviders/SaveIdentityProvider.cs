using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Latchkey.Core.Errors;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.IdentityProviders;

/// <summary>
/// A provider registration as an admin sends it. On a change, a null field keeps the stored value, and a null
/// <see cref="ClientSecret"/> keeps the sealed one, so that reading a registration and writing it back (the API never
/// shows the secret) does not erase it.
/// </summary>
public sealed record IdentityProviderInput(
    string? Kind, string? DisplayName, string? ClientId, string? ClientSecret, string? Issuer, string? Tenant, string? TeamId, string? KeyId,
    bool? TrustEmail, bool? Enabled);

/// <summary>
/// Adds or changes one of a site's identity provider registrations (docs/identity-providers/README.md). Every problem is
/// reported at once. Each kind takes only its own settings: an issuer for any OpenID provider, a tenant for Microsoft,
/// Apple's team id, key id and private key (checked to be a P-256 key, the one Apple issues). One registration per
/// named provider; any number of OpenID providers, up to <see cref="MaxPerSite"/> in all. The secret is sealed before it
/// is stored. <see cref="HandleAsync"/> checks and builds; <see cref="SaveAsync"/> keeps, once the server has checked
/// where the issuer leads (issue #21).
/// </summary>
public sealed partial class SaveIdentityProvider(IIdentityProviderStore store, IdentityProviderSecretSealer sealer, TimeProvider clock)
{
    public const int MaxPerSite = 20;

    public async Task<Result<IdentityProvider>> HandleAsync(Guid siteId, Guid? id, IdentityProviderInput input, CancellationToken cancellationToken)
    {
        var existing = await store.ListAsync(siteId, cancellationToken);
        var current = id is { } changed ? existing.FirstOrDefault(p => p.Id == changed) : null;
        if (id is not null && current is null)
        {
            return LatchkeyErrors.IdentityProviderNotFound;
        }

        var violations = new List<FieldViolation>();
        IdentityProviderKind kind;
        if (current is not null)
        {
            kind = current.Kind;
            if (input.Kind is not null && (!Enum.TryParse(input.Kind, ignoreCase: true, out IdentityProviderKind asked) || asked != kind))
            {
                violations.Add(new FieldViolation("kind", "kind cannot change; add a new registration instead.", "IMMUTABLE", "STRING"));
            }
        }
        else if (input.Kind is null || !Enum.TryParse(input.Kind, ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(input.Kind, out _))
        {
            return LatchkeyErrors.Validation(new FieldViolation("kind",
                "kind is google, apple, microsoft, github, facebook or openIdConnect.", "ENUM", "STRING"));
        }
        else if (kind != IdentityProviderKind.OpenIdConnect && existing.Any(p => p.Kind == kind))
        {
            violations.Add(new FieldViolation("kind", $"The site already has a {kind} registration; change that one.", "UNIQUE", "STRING"));
        }
        else if (existing.Count >= MaxPerSite)
        {
            violations.Add(new FieldViolation("kind", $"A site has at most {MaxPerSite} identity providers.", "MAX_ITEMS", "STRING"));
        }

        var clientId = input.ClientId?.Trim() ?? current?.ClientId;
        if (clientId is not { Length: > 0 and <= 255 } || !IsToken(clientId))
        {
            violations.Add(new FieldViolation("clientId", "clientId is the id the provider gave the site: up to 255 characters, no spaces.", "FORMAT", "STRING"));
        }

        if (input.ClientSecret is { Length: > 8192 } || (input.ClientSecret is null ? current?.SealedClientSecret is null : input.ClientSecret.Trim().Length == 0))
        {
            violations.Add(new FieldViolation("clientSecret", kind == IdentityProviderKind.Apple
                ? "clientSecret is the private key Apple issued (the .p8 file's PEM text)."
                : "clientSecret is the secret the provider gave the site, up to 8192 characters.", "REQUIRED_FIELD", "STRING"));
        }
        else if (kind == IdentityProviderKind.Apple && input.ClientSecret is { } pem && !IsP256PrivateKey(pem))
        {
            violations.Add(new FieldViolation("clientSecret", "clientSecret is not a P-256 private key in PEM form (Apple's .p8 file).", "FORMAT", "STRING"));
        }

        var issuer = Only(kind == IdentityProviderKind.OpenIdConnect, "issuer", input.Issuer?.Trim() ?? current?.Issuer, violations);
        if (current is not null && !string.Equals(issuer, current.Issuer, StringComparison.Ordinal))
        {
            // Identities are keyed on the registration and the provider's subject: another provider's subjects must never
            // meet them.
            violations.Add(new FieldViolation("issuer", "issuer cannot change: the linked identities are that provider's; add a new registration instead.", "IMMUTABLE", "URL"));
        }
        if (kind == IdentityProviderKind.OpenIdConnect && !IsIssuer(issuer))
        {
            violations.Add(new FieldViolation("issuer",
                "issuer is the provider's https URL, without query or fragment (http only for a loopback address).", "FORMAT", "URL"));
        }

        var tenant = Only(kind == IdentityProviderKind.Microsoft, "tenant", input.Tenant?.Trim() ?? current?.Tenant, violations);
        if (kind == IdentityProviderKind.Microsoft)
        {
            tenant ??= "common";
            if (tenant.Length > 255 || !TenantPattern().IsMatch(tenant))
            {
                violations.Add(new FieldViolation("tenant", "tenant is a tenant id, a verified domain, common, organizations or consumers.", "FORMAT", "STRING"));
            }
        }

        var teamId = Only(kind == IdentityProviderKind.Apple, "teamId", input.TeamId?.Trim() ?? current?.TeamId, violations);
        var keyId = Only(kind == IdentityProviderKind.Apple, "keyId", input.KeyId?.Trim() ?? current?.KeyId, violations);
        if (kind == IdentityProviderKind.Apple)
        {
            if (teamId is null || !AppleIdPattern().IsMatch(teamId))
            {
                violations.Add(new FieldViolation("teamId", "teamId is the 10-character Apple team id.", "FORMAT", "STRING"));
            }

            if (keyId is null || !AppleIdPattern().IsMatch(keyId))
            {
                violations.Add(new FieldViolation("keyId", "keyId is the 10-character id of the private key.", "FORMAT", "STRING"));
            }
        }

        var displayName = input.DisplayName?.Trim() ?? current?.DisplayName ?? DefaultName(kind, issuer);
        if (displayName is not { Length: > 0 and <= 64 } || displayName.Any(char.IsControl))
        {
            violations.Add(new FieldViolation("displayName", "displayName is the button's label, 1 to 64 characters.", "FORMAT", "STRING"));
        }

        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        var now = clock.GetUtcNow();
        return new IdentityProvider
        {
            Id = current?.Id ?? Guid.CreateVersion7(),
            SiteId = siteId,
            Kind = kind,
            DisplayName = displayName!,
            ClientId = clientId!,
            SealedClientSecret = input.ClientSecret is { } secret ? sealer.Seal(secret.Trim()) : current!.SealedClientSecret,
            Issuer = issuer,
            Tenant = tenant,
            TeamId = teamId,
            KeyId = keyId,
            TrustEmail = input.TrustEmail ?? current?.TrustEmail ?? false,
            Enabled = input.Enabled ?? current?.Enabled ?? true,
            CreatedAt = current?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }

    /// <summary>Keeps a registration <see cref="HandleAsync"/> built; false when a changed one was deleted meanwhile.</summary>
    public async Task<bool> SaveAsync(IdentityProvider provider, bool isNew, CancellationToken cancellationToken)
    {
        if (isNew)
        {
            await store.AddAsync(provider, cancellationToken);
            return true;
        }

        return await store.UpdateAsync(provider, cancellationToken);
    }

    /// <summary>A setting of another kind is refused, not ignored: an admin who sends it meant something by it.</summary>
    private static string? Only(bool applies, string field, string? value, List<FieldViolation> violations)
    {
        if (applies)
        {
            return string.IsNullOrEmpty(value) ? null : value;
        }

        if (!string.IsNullOrEmpty(value))
        {
            violations.Add(new FieldViolation(field, $"{field} does not apply to this kind of provider.", "NOT_APPLICABLE", "STRING"));
        }

        return null;
    }

    private static string? DefaultName(IdentityProviderKind kind, string? issuer) => kind switch
    {
        IdentityProviderKind.OpenIdConnect => Uri.TryCreate(issuer, UriKind.Absolute, out var uri) ? uri.Host : null,
        _ => kind.ToString(),
    };

    private static bool IsToken(string value) => !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static bool IsIssuer(string? issuer) =>
        issuer is { Length: <= 2048 } && Uri.TryCreate(issuer, UriKind.Absolute, out var uri) &&
        string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo) &&
        (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    private static bool IsP256PrivateKey(string pem)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(pem);
            return key.KeySize == 256 && key.ExportParameters(includePrivateParameters: true).D is { Length: > 0 };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[A-Z0-9]{10}$")]
    private static partial Regex AppleIdPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]*$")]
    private static partial Regex TenantPattern();
}
