using System.Security.Claims;
using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Latchkey.Server.Cors;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.OAuth;

/// <summary>Wix token info (docs/wire/oauth.md#other-endpoints): an inactive token is <c>{"active": false}</c> only.</summary>
public sealed record TokenInfoResponse(
    bool Active, string? SubjectType = null, string? SubjectId = null, long? Exp = null, long? Iat = null, string? ClientId = null, string? SiteId = null);

/// <summary>
/// What token-info and OIDC user-info tell about an access token, checked by <see cref="AccessTokens"/>: a member token
/// whose session has ended is inactive here too.
/// </summary>
public sealed class TokenInfo(AccessTokens accessTokens, IMemberStore members)
{
    public async Task<Result<TokenInfoResponse>> DescribeAsync(HttpContext http, string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || await accessTokens.ValidateAsync(token, cancellationToken) is not { Live: true } accessToken)
        {
            return new TokenInfoResponse(Active: false);
        }

        if (!AllowsOrigin(http, accessToken.Principal))
        {
            return LatchkeyErrors.OriginNotAllowed;
        }

        var principal = accessToken.Principal;
        return new TokenInfoResponse(
            Active: true,
            SubjectType: accessToken.Role switch
            {
                LatchkeyClaims.MemberRole => "MEMBER",
                LatchkeyClaims.VisitorRole => "VISITOR",
                ClientCredentialsGrant.ClientRole => "APP",
                _ => "UNKNOWN",
            },
            SubjectId: accessToken.Subject,
            Exp: principal.GetExpirationDate()?.ToUnixTimeSeconds(),
            Iat: principal.GetCreationDate()?.ToUnixTimeSeconds(),
            ClientId: principal.GetClaim(Claims.ClientId),
            SiteId: principal.GetClaim(LatchkeyClaims.Site));
    }

    /// <summary>
    /// The OIDC claims of the token's member (just <c>sub</c> for a token that is not a member's), or null when the
    /// member's session has ended or the member is gone.
    /// </summary>
    public async Task<Dictionary<string, object?>?> UserInfoAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var accessToken = await accessTokens.CheckAsync(principal, cancellationToken);
        if (!accessToken.IsMember)
        {
            return new Dictionary<string, object?> { [Claims.Subject] = accessToken.Subject };
        }

        return accessToken.Live && await members.FindAsync(accessToken.SiteId!.Value, Guid.Parse(accessToken.Subject!), cancellationToken) is { } member
            ? UserInfo(member)
            : null;
    }

    /// <summary>A browser origin allowed by another site of this server may not read this site's tokens (docs/cors.md).</summary>
    public static bool AllowsOrigin(HttpContext http, ClaimsPrincipal principal) =>
        MemberPrincipal.SiteOf(principal) is not { } site || BrowserOrigin.AllowsSite(http, site);

    /// <summary>What the member's record says; a claim it does not know is left out, not sent as null (issue #24).</summary>
    private static Dictionary<string, object?> UserInfo(Member member)
    {
        var profile = member.Profile;
        var name = string.Join(' ', new[] { profile.FirstName, profile.LastName }.Where(n => !string.IsNullOrEmpty(n)));
        var claims = new Dictionary<string, object?>
        {
            [Claims.Subject] = member.Id.ToString(),
            ["email"] = member.Email,
            ["emailVerified"] = member.EmailVerified,
            ["givenName"] = profile.FirstName,
            ["familyName"] = profile.LastName,
            ["name"] = name.Length > 0 ? name : profile.Nickname,
            ["picture"] = profile.Picture,
            ["language"] = profile.Language,
        };
        return claims.Where(c => c.Value is not null and not "").ToDictionary();
    }
}
