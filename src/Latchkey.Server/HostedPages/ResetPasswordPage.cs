using Latchkey.Core.Errors;
using Latchkey.Core.Flows;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Http;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The reset page the recovery email links to. The link's token names the flow, hence the site whose branding the
/// page wears; a link that no longer works shows its end state at once, with the way to a new one. It never sends the token on (<c>Referrer-Policy: no-referrer</c>), checks CSRF, and on success
/// returns the member where the email was asked for: the hosted sign in (a path here) or the allow-listed
/// <c>redirect.url</c> given to the API (a redirect). Asked for from the hosted pages, a completed recovery also signs
/// the browser in (issue #21: the owner who proved the mailbox is not sent back to a sign-in an attacker keeps
/// challenging): the session cookie is set and the confirmation's link continues to authorize, which answers the code.
/// When a second factor or another step still stands in the way, the link leads to sign in as before.
/// </summary>
public static class ResetPasswordPage
{
    public const string Path = "/recovery/reset-password";

    private const string HostedSignIn = "/oauth2/authorize?";

    public static string Url(PublicBaseUrl baseUrl) => baseUrl.ForEmail() + Path;

    public static void MapResetPasswordPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, async (HttpContext http, IAntiforgery antiforgery, IFlowStore flows, ISiteStore sites, TokenHasher hasher, TimeProvider clock,
            string? token, string? flow, CancellationToken ct) =>
        {
            // The link is checked as the page opens: a used or expired one gets its end state, not a form that fails later.
            var link = await LinkAsync(token ?? "", flow, flows, sites, hasher, clock, ct);
            return link.Usable is null ? Ended(http, link) : Render(http, antiforgery, link.Usable, link.Site, token ?? "", flow, error: null);
        });
        app.MapPost(Path, SubmitAsync);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, IFlowStore flows, ISiteStore sites, TokenHasher hasher, TimeProvider clock,
        Latchkey.Core.Features.Recovery.RecoverPassword step, HostedFlow hosted, Latchkey.Core.Sessions.SessionService sessions,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var token = form["token"].ToString();
        var flowId = form["flow"].ToString();
        var link = await LinkAsync(token, flowId, flows, sites, hasher, clock, cancellationToken);
        if (link.Usable is not { } flow)
        {
            return Ended(http, link);
        }

        var site = link.Site;
        var text = PageText.For(site.Branding.Language);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Render(http, antiforgery, flow, site, token, flowId, text["form.expired"]);
        }

        if (form["password"] != form["confirm"])
        {
            return Render(http, antiforgery, flow, site, token, flowId, null, confirmError: text["reset.mismatch"]);
        }

        var result = await step.HandleAsync(site, new Latchkey.Core.Features.Recovery.RecoverInput(token, form["password"]), cancellationToken);
        if (!result.IsSuccess)
        {
            var failure = result.Error;
            // Used in another tab a moment ago: the same end state as opening a used link.
            return failure.Is(LatchkeyErrors.ValidationFailed)
                ? Render(http, antiforgery, flow, site, token, flowId, null,
                    passwordError: failure.Violations.Select(v => text.Violation(v, site.PasswordMinLength, site.PasswordMaxLength)).First())
                : failure.Is(LatchkeyErrors.RecoveryTokenInvalid)
                    ? Ended(http, link with { Usable = null })
                    : Render(http, antiforgery, flow, site, token, flowId, text.Error(failure));
        }

        // The hosted forgot-password page stores its own sign-in path; the API stores an allow-listed absolute URL.
        var returnTo = result.Value.ReturnTo;
        if (returnTo is not null && !returnTo.StartsWith(HostedSignIn, StringComparison.Ordinal))
        {
            return Results.Redirect(returnTo, permanent: false, preserveMethod: false);
        }

        if (returnTo is not null &&
            await hosted.FromQueryAsync(http, returnTo[(HostedSignIn.Length - 1)..], cancellationToken) is { } context &&
            await context.SignInAsync(result.Value.Outcome, sessions, cancellationToken) is { IsSuccess: true })
        {
            return PageLayout.Render(http, site, text, text["reset.doneTitle"],
                PageHtml.Heading(text["reset.doneTitle"]) + PageHtml.Paragraph(text["reset.signedIn"]) +
                $"""<p class="lk-links">{PageHtml.Link(context.AuthorizeUrl, text["mfaDone.continue"])}</p>""");
        }

        var signIn = returnTo is null ? "" : $"""<p class="lk-links">{PageHtml.Link(returnTo, text["signIn.title"])}</p>""";
        return PageLayout.Render(http, site, text, text["reset.doneTitle"],
            PageHtml.Heading(text["reset.doneTitle"]) + PageHtml.Paragraph(text["reset.done"]) + signIn);
    }

    /// <summary>What a reset link names: its flow while the link still works, else the flow it was for (when known) and its site.</summary>
    private sealed record ResetLink(Flow? Usable, Flow? Named, Site Site);

    /// <summary>
    /// The token finds a live link's flow; the link's <c>flow</c> id finds one whose token was used (a used token's digest
    /// is replaced) or never matched, so that its end state still wears the site's branding and knows the way back.
    /// Nothing but a working token leads to the form. Without either, the page is unbranded.
    /// </summary>
    private static async Task<ResetLink> LinkAsync(
        string token, string? flowId, IFlowStore flows, ISiteStore sites, TokenHasher hasher, TimeProvider clock, CancellationToken cancellationToken)
    {
        var byToken = token.Length is > 0 and <= 200 ? await flows.FindByStateTokenAsync(hasher.Hash(token), cancellationToken) : null;
        if (byToken is { Kind: FlowKind.Recovery } && await sites.FindAsync(byToken.SiteId, cancellationToken) is { } site)
        {
            var usable = byToken.State == FlowState.RequireNewPassword && !byToken.IsExpired(clock);
            return new ResetLink(usable ? byToken : null, byToken, site);
        }

        var named = Guid.TryParse(flowId, out var id) ? await flows.FindByIdAsync(id, cancellationToken) : null;
        return named is { Kind: FlowKind.Recovery } && await sites.FindAsync(named.SiteId, cancellationToken) is { } namedSite
            ? new ResetLink(null, named, namedSite)
            : new ResetLink(null, null, new Site { Name = "Latchkey" });
    }

    /// <summary>
    /// The end state of a link that no longer works, and the way to a new one: the hosted forgot-password page of the
    /// same sign-in when the link came from there, else back to the site that asked for it.
    /// </summary>
    private static IResult Ended(HttpContext http, ResetLink link)
    {
        var text = PageText.For(link.Site.Branding.Language);
        var returnTo = link.Named?.ReturnTo;
        var way = returnTo switch
        {
            null => "",
            _ when returnTo.StartsWith(HostedSignIn, StringComparison.Ordinal) =>
                PageHtml.Link(ForgotPasswordPage.Path + "?" + returnTo[HostedSignIn.Length..], text["reset.newLink"]),
            _ => PageHtml.Link(returnTo, text["reset.backToSite"]),
        };
        var body = PageHtml.Heading(text["reset.endedTitle"]) + PageHtml.Paragraph(text["reset.ended"]) +
                   (way.Length > 0 ? $"""<p class="lk-links">{way}</p>""" : "");
        return PageLayout.Render(http, link.Site, text, text["reset.endedTitle"], body, StatusCodes.Status410Gone);
    }

    private static IResult Render(
        HttpContext http, IAntiforgery antiforgery, Flow flow, Site site, string token, string? flowId, string? error, string? passwordError = null,
        string? confirmError = null)
    {
        var text = PageText.For(site.Branding.Language);
        var tokens = antiforgery.GetAndStoreTokens(http);
        var body = $"""
            {PageHtml.Heading(text["reset.title"])}
            {PageHtml.Alert(error)}
            <form method="post" action="{Path}">
            {PageHtml.Antiforgery(tokens)}
            {PageHtml.Hidden("token", token)}
            {PageHtml.Hidden("flow", flowId ?? "")}
            {PageHtml.Fields(
            [
                new FormField("password", text["field.newPassword"], "password", "new-password")
                {
                    Error = passwordError, MinLength = site.PasswordMinLength, Hint = text.Format("field.passwordHint", site.PasswordMinLength),
                },
                new FormField("confirm", text["field.confirm"], "password", "new-password") { Error = confirmError },
            ])}
            {PageHtml.Button(text["reset.submit"])}
            </form>
            """;
        var failed = error is not null || passwordError is not null || confirmError is not null;
        // The success redirect to an absolute redirect.url follows this form's post: form-action must allow its origin.
        return PageLayout.Render(http, site, text, text["reset.title"], body, failed ? 400 : 200, flow.ReturnTo is { } returnTo ? [returnTo] : null);
    }
}
