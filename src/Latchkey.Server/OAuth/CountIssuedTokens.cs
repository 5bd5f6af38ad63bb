using Latchkey.Core.Observability;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Counts what the token endpoint answers: each token handed out (<c>latchkey.tokens.issued</c>, by grant type and
/// token type) or the RFC 6749 error (<c>latchkey.token.errors</c>). The grant type is the client's word, so anything
/// outside the grants Latchkey serves is tagged <c>other</c>, and the error is one of OpenIddict's constants.
/// </summary>
public sealed class CountIssuedTokens : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseSingletonHandler<CountIssuedTokens>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    private static readonly HashSet<string> KnownGrants =
    [
        GrantTypes.AuthorizationCode, GrantTypes.RefreshToken, GrantTypes.ClientCredentials,
        AnonymousGrant.GrantType, AuthorizedClientGrant.GrantType,
    ];

    private static readonly HashSet<string> KnownErrors =
    [
        Errors.InvalidRequest, Errors.InvalidClient, Errors.InvalidGrant, Errors.UnauthorizedClient, Errors.UnsupportedGrantType,
        Errors.InvalidScope, Errors.AccessDenied, Errors.ServerError, Errors.TemporarilyUnavailable,
    ];

    public ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        var grant = GrantTag(context.Request?.GrantType);
        var response = context.Response;
        if (!string.IsNullOrEmpty(response.Error))
        {
            LatchkeyMetrics.TokenErrors.Add(1, new("grant_type", grant), new("error", KnownErrors.Contains(response.Error) ? response.Error : "other"));
            return default;
        }

        Count(response.AccessToken, grant, "access_token");
        Count(response.RefreshToken, grant, "refresh_token");
        Count(response.IdToken, grant, "id_token");
        return default;
    }

    internal static string GrantTag(string? grantType) => grantType switch
    {
        null or "" => "none",
        _ when KnownGrants.Contains(grantType) => grantType,
        _ => "other",
    };

    private static void Count(string? token, string grant, string type)
    {
        if (!string.IsNullOrEmpty(token))
        {
            LatchkeyMetrics.TokensIssued.Add(1, new("grant_type", grant), new("token_type", type));
        }
    }
}
