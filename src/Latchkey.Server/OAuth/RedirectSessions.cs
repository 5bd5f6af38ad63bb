using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Latchkey.Server.HostedPages;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.OAuth;

/// <summary>
/// Create Redirect Session (docs/wire/redirects.md#redirects-api): turns an <c>auth</c>, <c>login</c> or <c>logout</c>
/// intent into an absolute URL on Latchkey's public base, after checking the client and its allow-lists, so the SDK can
/// navigate or load it.
/// </summary>
public sealed class RedirectSessions(IClientStore clients, SessionService sessions, IIdentityProviderStore providers)
{
    public async Task<Result<RedirectSessionResponse>> CreateAsync(
        Caller caller, RedirectSessionRequest intent, string publicBase, CancellationToken cancellationToken)
    {
        var result = intent switch
        {
            { Auth: { } auth } => await AuthAsync(auth, caller, publicBase, cancellationToken),
            { Login: not null } => await LoginAsync(intent.Callbacks, caller, publicBase, cancellationToken),
            { Logout: { } logout } => await LogoutAsync(logout, intent.Callbacks, caller, publicBase, cancellationToken),
            _ => LatchkeyErrors.RedirectIntentUnsupported,
        };
        if (!result.IsSuccess)
        {
            return result.Error;
        }

        // A member logging out with its own token ends that session now: the SDK forgets its tokens after this call,
        // and a session without a browser cookie (direct login, authorized_client) has no other logout to end it.
        if (intent.Logout is not null && caller.SessionId is { } sessionId && caller.IsMember)
        {
            await sessions.EndAsync(sessionId, cancellationToken);
        }

        var (endpoint, parameters) = result.Value;
        var fullUrl = QueryHelpers.AddQueryString(endpoint, parameters.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value)));
        return new RedirectSessionResponse(new RedirectSession(Guid.CreateVersion7().ToString(), fullUrl, fullUrl, intent.Auth?.AuthRequest?.SessionToken,
            new UrlDetails(endpoint, parameters)));
    }

    private async Task<Result<(string, Dictionary<string, string>)>> AuthAsync(
        AuthIntent auth, Caller caller, string publicBase, CancellationToken cancellationToken)
    {
        var authorize = auth.AuthRequest;
        if (authorize?.ClientId is not { Length: > 0 } clientId)
        {
            return Missing("auth.authRequest.clientId");
        }

        if (await clients.FindOfSiteAsync(clientId, caller.Site.Id, cancellationToken) is not { } client)
        {
            return ClientNotFound(clientId);
        }

        // Exact match, as the authorize endpoint will check again: better to fail here than on a page.
        if (authorize.RedirectUri is { Length: > 0 } redirect && !client.RedirectUris.Contains(redirect, StringComparer.Ordinal))
        {
            return LatchkeyErrors.RedirectNotAllowed.WithDetail($"redirectUri '{redirect}' is not an allowed redirect URI of client {clientId}.");
        }

        var parameters = new Dictionary<string, string>
        {
            ["clientId"] = clientId,
            ["responseType"] = authorize.ResponseType ?? "code",
        };
        Add(parameters, "redirectUri", authorize.RedirectUri);
        Add(parameters, "scope", authorize.Scope);
        Add(parameters, "state", authorize.State);
        Add(parameters, "responseMode", authorize.ResponseMode);
        Add(parameters, "codeChallenge", authorize.CodeChallenge);
        Add(parameters, "codeChallengeMethod", authorize.CodeChallengeMethod);
        Add(parameters, "sessionToken", authorize.SessionToken);
        Add(parameters, "nonce", authorize.Nonce);
        Add(parameters, "prompt", auth.Prompt ?? authorize.Prompt);
        if (authorize.Idp is { Length: > 0 } idp)
        {
            // getAuthUrl(data, { idp }): straight to that provider, whose return continues this authorize request
            // (docs/flows/social-sign-in.md#the-round-trip).
            return await ProviderOfAsync(caller.Site.Id, idp, cancellationToken) is { } provider
                ? (publicBase + HostedContext.SocialSignInPath + "/" + provider.Id, parameters)
                : LatchkeyErrors.IdentityProviderNotFound.WithDetail($"authRequest.idp '{idp}' is not an enabled identity provider of this site.");
        }

        return (publicBase + "/_api/oauth2/authorize", parameters);
    }

    /// <summary>
    /// The Wix SDK's <c>idp</c>: Google's or Facebook's fixed id names the site's registration of that kind, any other
    /// id is a registration's own (its connection id).
    /// </summary>
    private async Task<Latchkey.Core.SocialSignIn.IdentityProvider?> ProviderOfAsync(Guid siteId, string idp, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(idp, out var id))
        {
            return null;
        }

        var enabled = (await providers.ListAsync(siteId, cancellationToken)).Where(p => p.Enabled);
        return Latchkey.Core.SocialSignIn.WixIdp.KindOf(id) is { } kind ? enabled.FirstOrDefault(p => p.Kind == kind) : enabled.FirstOrDefault(p => p.Id == id);
    }

    /// <summary>
    /// The hosted sign in, returning to <c>callbacks.postFlowUrl</c>: the intent names no client, so it is the client the
    /// caller's token was issued to, whose allow-list the return address must be on.
    /// </summary>
    private async Task<Result<(string, Dictionary<string, string>)>> LoginAsync(
        RedirectCallbacks? callbacks, Caller caller, string publicBase, CancellationToken cancellationToken)
    {
        if (caller.ClientId is not { } clientId)
        {
            return LatchkeyErrors.ClientNotFound.WithDetail(
                "The login intent returns through the OAuth client of the caller's visitor or member token; an API key has none.");
        }

        if (await clients.FindOfSiteAsync(clientId, caller.Site.Id, cancellationToken) is not { } client)
        {
            return ClientNotFound(clientId);
        }

        var redirect = ClientRedirect.Check(callbacks?.PostFlowUrl, client, "callbacks.postFlowUrl");
        return redirect.IsSuccess ? LoginIntentPage.Url(publicBase, clientId, redirect.Value) : redirect.Error;
    }

    private async Task<Result<(string, Dictionary<string, string>)>> LogoutAsync(
        LogoutIntent logout, RedirectCallbacks? callbacks, Caller caller, string publicBase, CancellationToken cancellationToken)
    {
        if (logout.ClientId is not { Length: > 0 } clientId)
        {
            return Missing("logout.clientId");
        }

        if (await clients.FindOfSiteAsync(clientId, caller.Site.Id, cancellationToken) is not { } client)
        {
            return ClientNotFound(clientId);
        }

        var redirect = ClientRedirect.Check(callbacks?.PostFlowUrl, client, "postLogoutRedirectUri");
        if (!redirect.IsSuccess)
        {
            return redirect.Error;
        }

        var parameters = new Dictionary<string, string> { ["clientId"] = clientId };
        Add(parameters, "postLogoutRedirectUri", redirect.Value?.AbsoluteUri);
        return (publicBase + "/_api/iam/authentication/v1/logout", parameters);
    }

    private static void Add(Dictionary<string, string> parameters, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parameters[name] = value;
        }
    }

    private static LatchkeyError ClientNotFound(string clientId) =>
        LatchkeyErrors.ClientNotFound.WithDetail($"No OAuth client of this site has clientId '{clientId}'.");

    private static LatchkeyError Missing(string field) =>
        LatchkeyErrors.Validation(new FieldViolation(field, $"{field} is required.", "REQUIRED_FIELD", "STRING"));
}
