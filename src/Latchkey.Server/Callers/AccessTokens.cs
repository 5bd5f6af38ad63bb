using System.Security.Claims;
using Latchkey.Core.Sessions;
using OpenIddict.Abstractions;
using OpenIddict.Validation;

namespace Latchkey.Server.Callers;

/// <summary>An access token OpenIddict accepted, and whether it may still be used.</summary>
public sealed record AccessToken(ClaimsPrincipal Principal, bool Live)
{
    public string? Role => Principal.GetClaim(LatchkeyClaims.Role);

    public string? Subject => Principal.GetClaim(OpenIddictConstants.Claims.Subject);

    public Guid? SiteId => MemberPrincipal.SiteOf(Principal);

    public Guid? SessionId => MemberPrincipal.SessionOf(Principal);

    public bool IsMember => Role == LatchkeyClaims.MemberRole;
}

/// <summary>
/// The one check of an access token, for API callers (<see cref="CallerResolver"/>), token-info and user-info: OpenIddict
/// validates it, and a member token is only as good as its session. Logout, a password change elsewhere or a block end
/// it now, not when the token expires.
/// </summary>
public sealed class AccessTokens(OpenIddictValidationService validation, SessionService sessions)
{
    /// <summary>The token, or null when OpenIddict refuses it (malformed, expired, revoked, not an access token).</summary>
    public async Task<AccessToken?> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(token, cancellationToken);
        }
        catch (Exception e) when (e is OpenIddictExceptions.ProtocolException or OpenIddictExceptions.ValidationException)
        {
            return null;
        }

        return await CheckAsync(principal, cancellationToken);
    }

    /// <summary>A principal OpenIddict has already validated (user-info authenticates with the server's own scheme).</summary>
    public async Task<AccessToken> CheckAsync(ClaimsPrincipal principal, CancellationToken cancellationToken)
    {
        var token = new AccessToken(principal, Live: true);
        return token.IsMember && !(token.SiteId is { } site && token.SessionId is { } sid &&
            await sessions.IsUsableAsync(site, sid, slide: false, cancellationToken))
            ? token with { Live = false }
            : token;
    }
}
