using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;

namespace Latchkey.Server.Admin;

/// <summary>API keys of a site: list, create (secret shown once), revoke. A caller cannot grant what it lacks.</summary>
public sealed class ApiKeyAdmin(IClientStore clients, IAdminStore admin, TokenHasher hasher, AdminAudit audit, TimeProvider clock)
{
    private static readonly (string Name, ApiKeyPermissions Flag)[] Names =
        [("sign-on", ApiKeyPermissions.SignOn), ("admin", ApiKeyPermissions.Admin), ("server-admin", ApiKeyPermissions.ServerAdmin)];

    public static string Format(ApiKeyPermissions permissions) =>
        string.Join(',', Names.Where(n => permissions.HasFlag(n.Flag)).Select(n => n.Name));

    /// <summary>Parses <c>sign-on,admin,server-admin</c> (or <c>all</c> = sign-on and admin); null when a name is unknown.</summary>
    public static ApiKeyPermissions? Parse(IEnumerable<string> names)
    {
        var result = ApiKeyPermissions.None;
        // A JSON list can hold null; it names no permission.
        if (names.Any(n => n is null))
        {
            return null;
        }

        foreach (var name in names.SelectMany(n => n.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var lower = name.ToLowerInvariant();
            if (lower == "all")
            {
                result |= ApiKeyPermissions.All;
                continue;
            }

            var match = Names.FirstOrDefault(n => n.Name == lower || n.Name.Replace("-", "", StringComparison.Ordinal) == lower);
            if (match.Name is null)
            {
                return null;
            }

            result |= match.Flag;
        }

        return result;
    }

    public async Task<IReadOnlyList<ApiKeyView>> ListAsync(Guid siteId, CancellationToken cancellationToken) =>
        [.. (await admin.ListApiKeysAsync(siteId, cancellationToken)).Select(ApiKeyView.From)];

    /// <summary>As the other overload, with the permissions by name (<see cref="Parse"/>); an unknown name is a validation error.</summary>
    public async Task<Result<CreatedApiKey>> CreateAsync(
        AdminActor actor, Guid siteId, string? name, IEnumerable<string> permissions, CancellationToken cancellationToken) =>
        Parse(permissions) is { } parsed
            ? await CreateAsync(actor, siteId, name, parsed, cancellationToken)
            : LatchkeyErrors.Validation(new FieldViolation("permissions", "permissions are sign-on, admin or server-admin.", "ENUM", "STRING"));

    public async Task<Result<CreatedApiKey>> CreateAsync(
        AdminActor actor, Guid siteId, string? name, ApiKeyPermissions permissions, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            return LatchkeyErrors.Validation(new FieldViolation("name", "name is 1 to 200 characters.", "REQUIRED", "STRING"));
        }

        if (permissions == ApiKeyPermissions.None)
        {
            return LatchkeyErrors.Validation(new FieldViolation("permissions", "permissions name at least one of: sign-on, admin, server-admin.", "REQUIRED", "STRING"));
        }

        if (permissions.HasFlag(ApiKeyPermissions.ServerAdmin) && !actor.ServerWide)
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("Only the CLI or a server-admin key can grant server-admin.");
        }

        var secret = ApiKey.Prefix + SecretGenerator.NewToken();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            SiteId = siteId,
            Name = name.Trim(),
            KeyHash = hasher.Hash(secret),
            KeyVersion = hasher.CurrentVersion,
            Permissions = permissions,
            CreatedAt = clock.GetUtcNow(),
        };
        await clients.AddApiKeyAsync(key, cancellationToken);
        await audit.RecordAsync(actor, siteId, AuditActions.ApiKeyCreated, "api_key", key.Id.ToString(),
            new { key.Name, permissions = Format(permissions) }, cancellationToken);
        return new CreatedApiKey(ApiKeyView.From(key), secret);
    }

    public async Task<Result<bool>> RevokeAsync(AdminActor actor, Guid siteId, Guid keyId, CancellationToken cancellationToken)
    {
        // A site's admin key must not be able to switch off the server operator's key that lives in its site: granting
        // and revoking server-admin are both for server-wide callers.
        if (!actor.ServerWide && (await admin.ListApiKeysAsync(siteId, cancellationToken)).FirstOrDefault(k => k.Id == keyId) is { } target &&
            target.Permissions.HasFlag(ApiKeyPermissions.ServerAdmin))
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("Only the CLI or a server-admin key can revoke a server-admin key.");
        }

        if (!await admin.RevokeApiKeyAsync(siteId, keyId, clock.GetUtcNow(), cancellationToken))
        {
            return LatchkeyErrors.ApiKeyNotFound;
        }

        await audit.RecordAsync(actor, siteId, AuditActions.ApiKeyRevoked, "api_key", keyId.ToString(), null, cancellationToken);
        return true;
    }
}
