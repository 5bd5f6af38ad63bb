using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Authorize;

/// <summary>
/// An authorize request as far as choosing the member goes: its client (already validated by the OAuth engine), its
/// <c>session_token</c>, the browser's session cookie, and whether <c>prompt</c> holds <c>login</c> or <c>none</c>.
/// </summary>
public sealed record AuthorizeInput(string ClientId, string? SessionToken, string? SessionCookie, bool PromptLogin, bool PromptNone);

/// <summary>What an authorize request leads to.</summary>
public enum AuthorizeNext
{
    /// <summary>Issue a code for <see cref="AuthorizeDecision.Session"/>.</summary>
    SignIn,

    /// <summary>The session token is unknown, expired, already used, or for another site.</summary>
    SessionTokenRefused,

    /// <summary><c>prompt=none</c>, and neither a session token nor a browser session.</summary>
    LoginRequired,

    /// <summary>Show the hosted sign-in page.</summary>
    SignInPage,
}

/// <summary>The next step of an authorize request, and the session to sign in with when it is <see cref="AuthorizeNext.SignIn"/>.</summary>
public sealed record AuthorizeDecision(AuthorizeNext Next, RedeemedSession? Session = null);

/// <summary>
/// Who the member of an authorize request is (docs/wire/oauth.md#authorize-rules): a session token (single use), else
/// the browser session cookie unless <c>prompt=login</c>, else <c>login_required</c> for <c>prompt=none</c> or the
/// hosted sign-in page.
/// </summary>
public sealed class AuthorizeMember(IClientStore clients, SessionService sessions)
{
    public async Task<AuthorizeDecision> HandleAsync(AuthorizeInput input, CancellationToken cancellationToken)
    {
        var client = await clients.FindAsync(input.ClientId, cancellationToken)
            ?? throw new InvalidOperationException("The OAuth engine accepted a client that Latchkey does not know.");

        if (!string.IsNullOrEmpty(input.SessionToken))
        {
            var redeemed = await sessions.RedeemAsync(client.SiteId, input.SessionToken, withCookie: false, cancellationToken);
            return redeemed.IsSuccess ? new AuthorizeDecision(AuthorizeNext.SignIn, redeemed.Value) : new AuthorizeDecision(AuthorizeNext.SessionTokenRefused);
        }

        if (!input.PromptLogin && await sessions.FromCookieAsync(client.SiteId, input.SessionCookie, cancellationToken) is { } browser)
        {
            return new AuthorizeDecision(AuthorizeNext.SignIn, browser);
        }

        return new AuthorizeDecision(input.PromptNone ? AuthorizeNext.LoginRequired : AuthorizeNext.SignInPage);
    }
}
