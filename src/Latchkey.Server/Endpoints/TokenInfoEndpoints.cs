using Latchkey.Core.Errors;
using Latchkey.Server.OAuth;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Wix <c>POST /oauth2/token-info {token}</c> (docs/wire/oauth.md#other-endpoints) and OIDC <c>/oauth2/user-info</c>. A
/// member token whose session has ended is inactive here too (<see cref="TokenInfo"/>).
/// </summary>
public static class TokenInfoEndpoints
{
    private const string Scheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public sealed record TokenInfoRequest(string? Token);

    public static void MapTokenInfoEndpoints(this IEndpointRouteBuilder app)
    {
        string[] prefixes = ["/oauth2", "/_api/oauth2"];
        app.MapPost(prefixes, "/token-info", TokenInfoAsync, "TokenInfo")
            .Wix(ApiDocs.OAuth, "Whether an access token is active, and whose it is (Wix token info)");
        app.MapMethods(prefixes, "/user-info", [HttpMethods.Get, HttpMethods.Post], UserInfoAsync, "UserInfo")
            .WithTags(ApiDocs.OAuth)
            .WithSummary("OpenID Connect UserInfo for the member the access token belongs to")
            .Produces<Dictionary<string, object>>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status401Unauthorized);
    }

    private static async Task<ApiResult<TokenInfoResponse>> TokenInfoAsync(
        JsonBody<TokenInfoRequest> body, HttpContext http, TokenInfo tokenInfo, CancellationToken cancellationToken) =>
        await tokenInfo.DescribeAsync(http, body.Value.Token, cancellationToken);

    /// <summary>OpenIddict's server scheme authenticates the token, so its challenge writes <c>WWW-Authenticate</c>.</summary>
    private static async Task<IResult> UserInfoAsync(HttpContext http, TokenInfo tokenInfo, CancellationToken cancellationToken)
    {
        if ((await http.AuthenticateAsync(Scheme)).Principal is not { } principal)
        {
            return Results.Challenge(authenticationSchemes: [Scheme]);
        }

        if (!TokenInfo.AllowsOrigin(http, principal))
        {
            return WixErrors.ToResult(LatchkeyErrors.OriginNotAllowed);
        }

        return await tokenInfo.UserInfoAsync(principal, cancellationToken) is { } claims ? Results.Json(claims) : SessionEnded();
    }

    private static IResult SessionEnded() =>
        Results.Challenge(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The member's session has ended.",
            }),
            [Scheme]);
}
