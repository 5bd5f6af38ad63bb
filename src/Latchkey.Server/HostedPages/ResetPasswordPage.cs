using Latchkey.Core.Flows;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The reset page the recovery email links to. The link's token names the flow, hence the site whose branding the
/// page wears. It never sends the token on (<c>Referrer-Policy: no-referrer</c>), checks CSRF, and on success
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
        app.MapGet(Path, async (HttpContext http, IAntiforgery antiforgery, IFlowStore flows, ISiteStore sites, TokenHasher hasher, string? token, CancellationToken ct) =>
        {
            var (flow, site) = await FlowOfAsync(token ?? "", flows, sites, hasher, ct);
            return Render(http, antiforgery, flow, site, token ?? "", error: null);
        });
        app.MapPost(Path, SubmitAsync);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, IFlowStore flows, ISiteStore sites, TokenHasher hasher,
        Latchkey.Core.Features.PasswordReset.RecoverPassword step, HostedFlow hosted, Latchkey.Core.Sessions.SessionService sessions,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var token = form["token"].ToString();
        var (flow, site) = await FlowOfAsync(token, flows, sites, hasher, cancellationToken);
        var text = PageText.For(site.Branding.Language);
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Render(http, antiforgery, flow, site, token, text["form.expired"]);
        }

        if (form["password"] != form["confirm"])
        {
            return Render(http, antiforgery, flow, site, token, null, confirmError: text["reset.mismatch"]);
        }

        if (flow is null)
        {
            return Render(http, antiforgery, flow, site, token, text["error.recovery_token_invalid"]);
        }

        var result = await step.HandleAsync(site, new Latchkey.Core.Features.PasswordReset.RecoverInput(token, form["password"]), cancellationToken);
        if (!result.IsSuccess)
        {
            return result.Error!.Code == "validation_failed"
                ? Render(http, antiforgery, flow, site, token, null, passwordError: result.Error.Violations.Select(v => text.Violation(v, site.PasswordMinLength, site.PasswordMaxLength)).First())
                : Render(http, antiforgery, flow, site, token, text.Error(result.Error));
        }

        // The hosted forgot-password page stores its own sign-in path; the API stores an allow-listed absolute URL.
        var returnTo = result.Value!.ReturnTo;
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

        var link = returnTo is null ? "" : $"""<p class="lk-links">{PageHtml.Link(returnTo, text["signIn.title"])}</p>""";
        return PageLayout.Render(http, site, text, text["reset.doneTitle"],
            PageHtml.Heading(text["reset.doneTitle"]) + PageHtml.Paragraph(text["reset.done"]) + link);
    }

    /// <summary>The recovery flow of a token and its site; an unknown token gets an unbranded page.</summary>
    private static async Task<(Flow? Flow, Site Site)> FlowOfAsync(
        string token, IFlowStore flows, ISiteStore sites, TokenHasher hasher, CancellationToken cancellationToken)
    {
        var flow = token.Length is > 0 and <= 200 ? await flows.FindByStateTokenAsync(hasher.Hash(token), cancellationToken) : null;
        return flow is { Kind: FlowKind.Recovery } && await sites.FindAsync(flow.SiteId, cancellationToken) is { } site
            ? (flow, site)
            : (null, new Site { Name = "Latchkey" });
    }

    private static IResult Render(
        HttpContext http, IAntiforgery antiforgery, Flow? flow, Site site, string token, string? error, string? passwordError = null,
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
        return PageLayout.Render(http, site, text, text["reset.title"], body, failed ? 400 : 200, flow?.ReturnTo is { } returnTo ? [returnTo] : null);
    }
}
