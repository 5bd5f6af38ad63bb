using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Audit;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Server.Admin;

/// <summary>A site and its policies as the admin surfaces show it.</summary>
public sealed record SiteView(
    Guid Id, string Name, DateTimeOffset CreatedAt, bool RequireOwnerApproval, bool RequireEmailVerification,
    bool RevealUnknownEmail, bool EnumerationSafeRegistration, int PasswordMinLength, int PasswordMaxLength,
    bool PasswordCheckBreached, int PasswordMinStrength)
{
    public static SiteView From(Site s) => new(
        s.Id, s.Name, s.CreatedAt, s.RequireOwnerApproval, s.RequireEmailVerification, s.RevealUnknownEmail,
        s.EnumerationSafeRegistration, s.PasswordMinLength, s.PasswordMaxLength, s.PasswordCheckBreached, s.PasswordMinStrength);
}

/// <summary>A partial change of a site: absent fields keep their value.</summary>
public sealed record SitePatch(
    string? Name = null, bool? RequireOwnerApproval = null, bool? RequireEmailVerification = null, bool? RevealUnknownEmail = null,
    bool? EnumerationSafeRegistration = null, int? PasswordMinLength = null, int? PasswordMaxLength = null,
    bool? PasswordCheckBreached = null, int? PasswordMinStrength = null);

/// <summary>A new site and the admin API key made with it (shown once: without it the site cannot be reached over REST).</summary>
public sealed record CreatedSite(SiteView Site, CreatedApiKey AdminKey);

/// <summary>Sites: list, show, create (CLI or server-admin key) and change policies, each change audited.</summary>
public sealed class SiteAdmin(
    ISiteStore sites, IAdminStore admin, ApiKeyAdmin apiKeys, AdminAudit audit, Microsoft.Extensions.Options.IOptions<Latchkey.Server.Configuration.LatchkeyOptions> options,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<SiteView>> ListAsync(AdminActor actor, CancellationToken cancellationToken) =>
        [.. (await admin.ListSitesAsync(cancellationToken)).Where(s => actor.CanReach(s.Id)).Select(SiteView.From)];

    public async Task<Result<Site>> FindAsync(AdminActor actor, Guid siteId, CancellationToken cancellationToken) =>
        actor.CanReach(siteId) && await sites.FindAsync(siteId, cancellationToken) is { } site
            ? site
            : LatchkeyErrors.SiteNotFound.WithDetail($"No site '{siteId}' is visible to this caller.");

    public async Task<Result<CreatedSite>> CreateAsync(AdminActor actor, string? name, CancellationToken cancellationToken)
    {
        if (!actor.ServerWide)
        {
            return LatchkeyErrors.PermissionDenied.WithDetail("Creating a site needs the CLI or an API key with the server-admin permission.");
        }

        if (string.IsNullOrWhiteSpace(name) || name.Trim().Length > 200)
        {
            return LatchkeyErrors.Validation(new FieldViolation("name", "name is 1 to 200 characters.", "REQUIRED", "STRING"));
        }

        var site = new Site
        {
            Id = Guid.CreateVersion7(),
            Name = name.Trim(),
            CreatedAt = clock.GetUtcNow(),
            Captcha = new CaptchaPolicy { Mode = options.Value.Captcha.DefaultMode },
        };
        await sites.AddAsync(site, cancellationToken);
        await audit.RecordAsync(actor, site.Id, AuditActions.SiteCreated, "site", site.Id.ToString(), new { site.Name }, cancellationToken);
        var key = await apiKeys.CreateAsync(actor, site.Id, "site admin key", ApiKeyPermissions.All, cancellationToken);
        return new CreatedSite(SiteView.From(site), key.ValueOrThrow());
    }

    public async Task<Result<SiteView>> UpdateAsync(AdminActor actor, Guid siteId, SitePatch patch, CancellationToken cancellationToken)
    {
        var found = await FindAsync(actor, siteId, cancellationToken);
        if (!found.IsSuccess)
        {
            return found.Error;
        }

        var site = found.Value;
        var violations = Check(site, patch);
        if (violations.Count > 0)
        {
            return LatchkeyErrors.Validation([.. violations]);
        }

        site = site with
        {
            Name = patch.Name?.Trim() ?? site.Name,
            RequireOwnerApproval = patch.RequireOwnerApproval ?? site.RequireOwnerApproval,
            RequireEmailVerification = patch.RequireEmailVerification ?? site.RequireEmailVerification,
            RevealUnknownEmail = patch.RevealUnknownEmail ?? site.RevealUnknownEmail,
            EnumerationSafeRegistration = patch.EnumerationSafeRegistration ?? site.EnumerationSafeRegistration,
            PasswordMinLength = patch.PasswordMinLength ?? site.PasswordMinLength,
            PasswordMaxLength = patch.PasswordMaxLength ?? site.PasswordMaxLength,
            PasswordCheckBreached = patch.PasswordCheckBreached ?? site.PasswordCheckBreached,
            PasswordMinStrength = patch.PasswordMinStrength ?? site.PasswordMinStrength,
        };
        await sites.UpdateAsync(site, cancellationToken);
        // The patch holds only policy values (no secrets): it is the audit detail as sent.
        await audit.RecordAsync(actor, site.Id, AuditActions.SiteUpdated, "site", site.Id.ToString(), patch, cancellationToken);
        return SiteView.From(site);
    }

    /// <summary>The rules every surface applies (REST policy endpoints, <c>PATCH /admin/v1/sites</c>, the CLI).</summary>
    private static List<FieldViolation> Check(Site site, SitePatch patch)
    {
        var violations = new List<FieldViolation>();
        if (patch.Name is { } name && (name.Trim().Length is 0 or > 200))
        {
            violations.Add(new FieldViolation("name", "name is 1 to 200 characters.", "REQUIRED", "STRING"));
        }

        var min = patch.PasswordMinLength ?? site.PasswordMinLength;
        var max = patch.PasswordMaxLength ?? site.PasswordMaxLength;
        var strength = patch.PasswordMinStrength ?? site.PasswordMinStrength;
        // ASVS 2.1.1/2.1.2: at least 8 (NIST allows no less for a sole factor), and at least 64 must be allowed.
        if (min is < 8 or > 256)
        {
            violations.Add(new FieldViolation("minLength", "minLength is between 8 and 256.", "RANGE", "NUMBER"));
        }

        if (max is < 64 or > 1024 || max < min)
        {
            violations.Add(new FieldViolation("maxLength", "maxLength is between 64 and 1024 and not below minLength.", "RANGE", "NUMBER"));
        }

        if (strength is < 0 or > 4)
        {
            violations.Add(new FieldViolation("minStrength", "minStrength is a zxcvbn score from 0 (off) to 4.", "RANGE", "NUMBER"));
        }

        // Without the email step a real registration answers SUCCESS with a working session token: no decoy can.
        if ((patch.EnumerationSafeRegistration ?? site.EnumerationSafeRegistration) && !(patch.RequireEmailVerification ?? site.RequireEmailVerification) &&
            (patch.EnumerationSafeRegistration == true || patch.RequireEmailVerification == false))
        {
            violations.Add(new FieldViolation("enumerationSafeRegistration",
                "enumerationSafeRegistration needs requireEmailVerification on in the sign-on policy.", "PRECONDITION", "BOOLEAN"));
        }

        return violations;
    }
}

/// <summary>An API key as listed: never its secret or digest.</summary>
public sealed record ApiKeyView(Guid Id, Guid SiteId, string Name, string Permissions, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyView From(ApiKey k) => new(k.Id, k.SiteId, k.Name, ApiKeyAdmin.Format(k.Permissions), k.CreatedAt, k.RevokedAt);
}
