using System.Text.Json;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Features;
using Latchkey.Core.Flows;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// One request of the hosted flow. Every page carries the query it started from (<see cref="ReturnQuery"/>, without
/// <c>prompt=login</c>): it names the client, hence the site and its branding, and the flow ends by returning to it
/// (<see cref="ContinueUrl"/>). Started by an authorize request, that is <c>/oauth2/authorize</c>, where the browser's
/// new session cookie makes OpenIddict redirect to the client's allow-listed redirect URI with the code; started by
/// the login intent of a redirect session, it is <see cref="LoginIntentPage"/>, which sends the browser to the site's
/// allow-listed <c>postFlowUrl</c>. Both check the query again there, so nothing here trusts it.
/// </summary>
public sealed class HostedContext(
    HttpContext http, IAntiforgery antiforgery, Site site, SiteClient client, string returnQuery, string language, Uri? postFlowUrl = null,
    bool loginIntent = false)
{
    private const string AuthorizePath = "/oauth2/authorize";

    public HttpContext Http { get; } = http;
    public Site Site { get; } = site;
    public SiteClient Client { get; } = client;
    public string ReturnQuery { get; } = returnQuery;
    public PageText Text { get; } = PageText.For(language);

    /// <summary>The login intent's return address at the site, checked against the client's allow-list.</summary>
    public Uri? PostFlowUrl { get; } = postFlowUrl;

    /// <summary>Started by a redirect session's login intent (<see cref="LoginIntentPage"/>), not by an authorize request.</summary>
    public bool IsLoginIntent { get; } = loginIntent;

    /// <summary>Where the flow goes once the browser is signed in: authorize (the code), or the login intent's page.</summary>
    public string ContinueUrl => (IsLoginIntent ? LoginIntentPage.Path : AuthorizePath) + ReturnQuery;

    public string SignInUrl => ContinueUrl + (ReturnQuery.Length > 0 ? "&" : "?") + "prompt=login";

    /// <summary>
    /// A path of this server that a flow can return to (<see cref="ContinueUrl"/> or <see cref="SignInUrl"/>, as stored
    /// by the recovery email): its query, or null for anything else (an absolute URL of a site).
    /// </summary>
    public static string? HostedReturnQuery(string url) =>
        url.StartsWith(AuthorizePath + "?", StringComparison.Ordinal) || url.StartsWith(LoginIntentPage.Path + "?", StringComparison.Ordinal)
            ? url[url.IndexOf('?', StringComparison.Ordinal)..]
            : null;

    public string PageUrl(string path) => path + ReturnQuery;

    /// <summary>Where a provider's button leads: the social sign-in's start (docs/flows/social-sign-in.md), with this flow's query.</summary>
    public const string SocialSignInPath = "/sign-in/social";

    /// <summary>The site's enabled identity providers, a button each on the sign-in and sign-up pages.</summary>
    public IReadOnlyList<Latchkey.Core.SocialSignIn.IdentityProvider> IdentityProviders { get; init; } = [];

    private Latchkey.Core.SocialSignIn.PendingLink? _pendingLink;

    /// <summary>A social identity this browser brought back that waits for a sign-in to link it (<see cref="PendingLinkCookie"/>).</summary>
    public Latchkey.Core.SocialSignIn.PendingLink? PendingLink => _pendingLink ??= PendingLinkCookie.Read(Http, Site.Id);

    /// <summary>On the sign-in and sign-up pages while <see cref="PendingLink"/> waits: what signing in will do.</summary>
    public string PendingLinkNotice() => PendingLink is { } pending
        ? PageHtml.Paragraph(Text.Format("social.linkNotice", pending.ProviderName, pending.Email))
        : "";

    /// <summary>"Continue with …" for each of <see cref="IdentityProviders"/>; nothing when the site has none.</summary>
    public string ProviderButtons() => IdentityProviders.Count == 0 ? "" : $"""
        <div class="lk-providers">
        {string.Concat(IdentityProviders.Select(p =>
            $"""<a class="lk-button lk-secondary lk-provider" href="{PageHtml.Encode(PageUrl($"{SocialSignInPath}/{p.Id}"))}">{PageHtml.Encode(string.Format(Text.Culture, Text["social.continueWith"], p.DisplayName))}</a>"""))}
        </div>
        """;

    /// <summary>A post form with the antiforgery token and the return query; CSRF is checked on every post.</summary>
    public string Form(string action, string inner, params (string Name, string Value)[] hidden) => $"""
        <form method="post" action="{action}">
        {PageHtml.Antiforgery(antiforgery.GetAndStoreTokens(Http))}
        {PageHtml.Hidden("return", ReturnQuery)}
        {string.Concat(hidden.Select(h => PageHtml.Hidden(h.Name, h.Value)))}
        {inner}
        </form>
        """;

    /// <summary>A page of the flow; its form posts may end in a redirect to the flow's return address, which CSP must allow.</summary>
    public IResult Page(string title, string body, int status = 200, bool captcha = false) =>
        PageLayout.Render(Http, Site, Text, title, body, status, PostFlowUrl is { } target ? [target.AbsoluteUri] : Client.RedirectUris, captcha);

    private GuardedAction _asked;

    /// <summary>
    /// The ALTCHA widget is shown when the site's policy asks for it on this action (hosted pages load no third-party
    /// script): always in mode <c>always</c>; in risk mode (the default) only once the guard would ask this browser for
    /// one, so that a person nobody attacks never sees it.
    /// </summary>
    public bool ShowsCaptcha(GuardedAction action) =>
        Site.Captcha.Covers(action) && Site.Captcha.Provider == CaptchaProvider.Altcha &&
        (Site.Captcha.Mode == CaptchaMode.Always || _asked.HasFlag(action));

    /// <summary>Shows the widget on this action from now on (risk mode: the guard asked, or would ask, for a CAPTCHA).</summary>
    public void AskForCaptcha(GuardedAction action) => _asked |= action;

    /// <summary>After a failed step: asks for the widget when the failure was about the CAPTCHA, or when the guard would now ask for one.</summary>
    public async Task AskForCaptchaAfterAsync(AbuseGuard guard, GuardedAction action, string? account, LatchkeyError? failure, CancellationToken cancellationToken)
    {
        if (failure?.IsAny(LatchkeyErrors.CaptchaMissing, LatchkeyErrors.CaptchaInvalid, LatchkeyErrors.CaptchaUnavailable) == true ||
            (Site.Captcha.Mode == CaptchaMode.Risk &&
             await guard.WouldAskForCaptchaAsync(new GuardedRequest(Site, action, account, GuardedRequests.Peer(Http.Connection.RemoteIpAddress), []), cancellationToken)))
        {
            AskForCaptcha(action);
        }
    }

    public string Captcha(GuardedAction action)
    {
        if (!ShowsCaptcha(action))
        {
            return "";
        }

        var strings = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["label"] = Text["altcha.label"],
            ["verifying"] = Text["altcha.verifying"],
            ["verified"] = Text["altcha.verified"],
            ["error"] = Text["altcha.error"],
            ["expired"] = Text["altcha.expired"],
            ["waitAlert"] = Text["altcha.waitAlert"],
            ["verificationRequired"] = Text["altcha.verificationRequired"],
        });
        var url = $"{WixRoutes.AltchaChallenge}?clientId={Uri.EscapeDataString(Client.ClientId)}";
        return $"""<div class="lk-field"><altcha-widget name="altcha" challengeurl="{PageHtml.Encode(url)}" strings="{PageHtml.Encode(strings)}" hidelogo hidefooter></altcha-widget></div>""";
    }

    /// <summary>The CAPTCHA token the widget posted, in the shape the guard reads.</summary>
    public static IReadOnlyList<CaptchaToken> CaptchaTokens(IFormCollection form) =>
        form["altcha"] is { Count: > 0 } altcha && altcha.ToString().Length is > 0 and <= 4096 ? [new CaptchaToken("Altcha", altcha.ToString())] : [];

    /// <summary>Where an outcome leads: the flow's return (<see cref="ContinueUrl"/>), or the page of the step that stands in the way.</summary>
    public async Task<IResult> ContinueAsync(AuthOutcome outcome, SessionService sessions, CancellationToken cancellationToken)
    {
        var redeemed = await SignInAsync(outcome, sessions, cancellationToken);
        if (redeemed is not { IsSuccess: true })
        {
            return redeemed?.Error is { } error ? SignInPage.Render(this, Text.Error(error)) : StepPage(outcome);
        }

        // A social identity that waited for this sign-in is asked about first (then the flow goes on to its return).
        if (AfterSignInUrl(outcome.Member) is var next && next != ContinueUrl)
        {
            return Results.Redirect(next, permanent: false, preserveMethod: false);
        }

        // Offered after a password sign-in: the enrolment starts here, in this post, so that the set-up page's GET only
        // shows it (issue #21). An enrolment still pending from a moment ago is kept, not replaced.
        if (Site.Branding.OfferMfaEnrolment && !outcome.Member.MfaEnabled)
        {
            var mfa = Http.RequestServices.GetRequiredService<Latchkey.Core.Features.Mfa.ManageMfa>();
            if (await mfa.PendingAsync(Site, outcome.Member.Id, cancellationToken) is null)
            {
                await mfa.StartAsync(Site, outcome.Member.Id, cancellationToken);
            }

            return Results.Redirect(PageUrl(MfaSetupPage.Path), permanent: false, preserveMethod: false);
        }

        return Results.Redirect(ContinueUrl, permanent: false, preserveMethod: false);
    }

    /// <summary>
    /// Where a browser just signed in as <paramref name="member"/> goes: the question whether to connect the social
    /// identity that waited for this member's sign-in (docs/flows/social-sign-in.md#linking-after-a-sign-in), else
    /// <see cref="ContinueUrl"/>. A waiting identity that is not this member's ends here.
    /// </summary>
    public string AfterSignInUrl(Latchkey.Core.Members.Member member)
    {
        if (PendingLink is not { } pending)
        {
            return ContinueUrl;
        }

        if (Latchkey.Core.Features.SocialSignIn.LinkAfterSignIn.IsFor(pending, member))
        {
            return PageUrl(ConnectPath);
        }

        PendingLinkCookie.Clear(Http, Site.Id);
        return ContinueUrl;
    }

    /// <summary>The hosted question "connect this provider's account?" after the sign-in a social identity waited for.</summary>
    public const string ConnectPath = "/oauth2/authorize/connect";

    /// <summary>This browser's session on the flow's site (its session cookie), or null.</summary>
    public Task<RedeemedSession?> BrowserSessionAsync(SessionService sessions, CancellationToken cancellationToken) =>
        sessions.FromCookieAsync(Site.Id, SessionCookie.Read(Http.Request), cancellationToken);

    /// <summary>
    /// For a SUCCESS outcome: redeems its session token into the browser session cookie. Null when the outcome is a step
    /// that stands in the way (email code, approval, MFA).
    /// </summary>
    public async Task<Latchkey.Core.Errors.Result<RedeemedSession>?> SignInAsync(AuthOutcome outcome, SessionService sessions, CancellationToken cancellationToken)
    {
        if (outcome.State != StateType.Success)
        {
            return null;
        }

        var redeemed = await sessions.RedeemAsync(Site.Id, outcome.SessionToken!, withCookie: true, cancellationToken);
        if (redeemed.IsSuccess)
        {
            SessionCookie.Set(Http.Response, Http.Request, redeemed.Value.Cookie!, redeemed.Value.Session.ExpiresAt);
        }

        return redeemed;
    }

    /// <summary>The page of the step that stands between the outcome and a session.</summary>
    public IResult StepPage(AuthOutcome outcome) => outcome.State switch
    {
        StateType.RequireEmailVerification => VerifyEmailPage.Render(this, outcome.StateToken!, error: null),
        StateType.RequireOwnerApproval => ApprovalPage.Render(this),
        _ => MfaChallengePage.Render(this, outcome.StateToken!, error: null),
    };
}
