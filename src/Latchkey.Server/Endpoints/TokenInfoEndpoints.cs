using Latchkey.Core.Errors;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Latchkey.Server.Cors;
using Latchkey.Server.OAuth;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Wix <c>POST /oauth2/token-info {token}</c> (docs/wire/oauth.md#other-endpoints) and OIDC <c>/oauth2/user-info</c>. A
/// member token whose session has ended is inactive here too.
/// </summary>
public static class TokenInfoEndpoints
{
    public sealed record TokenInfoRequest(string? Token);

    public static void MapTokenInfoEndpoints(this IEndpointRouteBuilder app)
    {
        string[] prefixes = ["/oauth2", "/_api/oauth2"];
        app.MapPost(prefixes, "/token-info", TokenInfoAsync, "TokenInfo")
            .Wix<TokenInfoRequest, Dictionary<string, object>>(ApiDocs.OAuth, "Whether an access token is active, and whose it is (Wix token info)");
        app.MapMethods(prefixes, "/user-info", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync, "UserInfo")
            .WithTags(ApiDocs.OAuth)
            .WithSummary("OpenID Connect UserInfo for the member the access token belongs to")
            .Produces<Dictionary<string, object>>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status401Unauthorized);
    }

    private static async Task<IResult> TokenInfoAsync(
        HttpRequest request, OpenIddictValidationService validation, SessionService sessions, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAsync<TokenInfoRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return WixErrors.ToResult(body.Error);
        }

        var inactive = WixResults.Ok(new { active = false });
        if (string.IsNullOrEmpty(body.Value.Token))
        {
            return inactive;
        }

        System.Security.Claims.ClaimsPrincipal principal;
        try
        {
            principal = await validation.ValidateAccessTokenAsync(body.Value.Token, cancellationToken);
        }
        catch (Exception e) when (e is OpenIddictExceptions.ProtocolException or OpenIddictExceptions.ValidationException)
        {
            return inactive;
        }

        var role = principal.GetClaim(LatchkeyClaims.Role);
        if (role == LatchkeyClaims.MemberRole && !await IsLiveAsync(principal, sessions, cancellationToken))
        {
            return inactive;
        }

        if (MemberPrincipal.SiteOf(principal) is { } site && !BrowserOrigin.AllowsSite(request.HttpContext, site))
        {
            return WixErrors.ToResult(LatchkeyErrors.OriginNotAllowed);
        }

        return WixResults.Ok(new
        {
            active = true,
            subjectType = role switch
            {
                LatchkeyClaims.MemberRole => "MEMBER",
                LatchkeyClaims.VisitorRole => "VISITOR",
                ClientCredentialsGrant.ClientRole => "APP",
                _ => "UNKNOWN",
            },
            subjectId = principal.GetClaim(Claims.Subject),
            exp = principal.GetExpirationDate()?.ToUnixTimeSeconds(),
            iat = principal.GetCreationDate()?.ToUnixTimeSeconds(),
            clientId = principal.GetClaim(Claims.ClientId),
            siteId = principal.GetClaim(LatchkeyClaims.Site),
        });
    }

    private static async Task<IResult> UserInfoAsync(
        HttpContext http, SessionService sessions, IMemberStore members, CancellationToken cancellationToken)
    {
        var principal = (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal;
        if (principal is null)
        {
            return Results.Challenge(authenticationSchemes: [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        if (MemberPrincipal.SiteOf(principal) is { } site && !BrowserOrigin.AllowsSite(http, site))
        {
            return WixErrors.ToResult(LatchkeyErrors.OriginNotAllowed);
        }

        if (principal.GetClaim(LatchkeyClaims.Role) != LatchkeyClaims.MemberRole)
        {
            return Results.Json(new Dictionary<string, object?> { [Claims.Subject] = principal.GetClaim(Claims.Subject) });
        }

        if (!await IsLiveAsync(principal, sessions, cancellationToken) ||
            await members.FindAsync(MemberPrincipal.SiteOf(principal)!.Value, Guid.Parse(principal.GetClaim(Claims.Subject)!), cancellationToken) is not { } member)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The member's session has ended.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.Json(UserInfo(member));
    }

    private static Dictionary<string, object?> UserInfo(Member member)
    {
        var profile = member.Profile;
        var name = string.Join(' ', new[] { profile.FirstName, profile.LastName }.Where(n => !string.IsNullOrEmpty(n)));
        return new Dictionary<string, object?>
        {
            [OpenIddictConstants.Claims.Subject] = member.Id.ToString(),
            ["email"] = member.Email,
            ["emailVerified"] = member.EmailVerified,
            ["givenName"] = profile.FirstName,
            ["familyName"] = profile.LastName,
            ["name"] = name.Length > 0 ? name : profile.Nickname,
            ["picture"] = profile.Picture,
            ["language"] = profile.Language,
        };
    }

    private static async Task<bool> IsLiveAsync(System.Security.Claims.ClaimsPrincipal principal, SessionService sessions, CancellationToken cancellationToken) =>
        MemberPrincipal.SiteOf(principal) is { } site && MemberPrincipal.SessionOf(principal) is { } sid &&
        await sessions.IsUsableAsync(site, sid, slide: false, cancellationToken);
}
