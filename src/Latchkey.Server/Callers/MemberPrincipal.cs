using System.Security.Claims;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.Callers;

/// <summary>The claims of a member's tokens (docs/tokens.md#the-tokens): sub, site, role=member, sid, scopes.</summary>
public static class MemberPrincipal
{
    /// <summary>The session a member token belongs to.</summary>
    public const string SessionId = "sid";

    public static ClaimsPrincipal Create(Member member, MemberSession session, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, LatchkeyClaims.Role);
        identity.SetClaim(Claims.Subject, member.Id.ToString());
        identity.SetClaim(LatchkeyClaims.Site, member.SiteId.ToString());
        identity.SetClaim(LatchkeyClaims.Role, LatchkeyClaims.MemberRole);
        identity.SetClaim(SessionId, session.Id.ToString());
        identity.SetClaim(Claims.Email, member.Email);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        // The email stays out of the access token: it is for user-info, which reads it from the store.
        principal.SetDestinations(static claim => claim.Type == Claims.Email ? [] : [Destinations.AccessToken]);
        return principal;
    }

    public static Guid? SessionOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.GetClaim(SessionId), out var id) ? id : null;

    public static Guid? SiteOf(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.GetClaim(LatchkeyClaims.Site), out var id) ? id : null;
}
