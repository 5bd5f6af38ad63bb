using Latchkey.Core.Sites;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.SignOnPolicy;

/// <summary>A partial sign-on policy (contract §7.1): fields left out keep their value.</summary>
public sealed record SignOnPolicyPatch(bool? RequireOwnerApproval, bool? RequireEmailVerification);

/// <summary>PATCH of the site's sign-on policy; it applies to sign-ups and logins from then on.</summary>
public sealed class UpdateSignOnPolicy(ISiteStore sites)
{
    public async Task<Site> HandleAsync(Site site, SignOnPolicyPatch patch, CancellationToken cancellationToken)
    {
        site.RequireOwnerApproval = patch.RequireOwnerApproval ?? site.RequireOwnerApproval;
        site.RequireEmailVerification = patch.RequireEmailVerification ?? site.RequireEmailVerification;
        await sites.UpdateAsync(site, cancellationToken);
        return site;
    }
}
