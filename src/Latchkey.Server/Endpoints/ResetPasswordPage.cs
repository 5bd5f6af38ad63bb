using System.Text.Encodings.Web;
using Latchkey.Core.Features.PasswordReset;
using Latchkey.Core.Flows;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Latchkey.Server.Http;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The reset page the recovery email links to (a minimal server-rendered form; the hosted-pages issue restyles it).
/// It never sends the token on to other sites (<c>Referrer-Policy: no-referrer</c>), checks CSRF, and on success
/// returns the member to the allow-listed <c>redirect.url</c> given when the email was requested.
/// </summary>
public static class ResetPasswordPage
{
    public const string Path = "/recovery/reset-password";

    public static string Url(PublicBaseUrl baseUrl) => baseUrl.ForEmail() + Path;

    public static void MapResetPasswordPage(this IEndpointRouteBuilder app)
    {
        app.MapGet(Path, (HttpContext http, IAntiforgery antiforgery, string? token) => Page(http, antiforgery, token ?? "", error: null, status: 200));
        app.MapPost(Path, SubmitAsync);
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, IFlowStore flows, ISiteStore sites, TokenHasher hasher, RecoverPassword step,
        CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var token = form["token"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Page(http, antiforgery, token, "The form expired; please try again.", 400);
        }

        if (form["password"] != form["confirm"])
        {
            return Page(http, antiforgery, token, "The two passwords differ.", 400);
        }

        var flow = token.Length is > 0 and <= 200 ? await flows.FindByStateTokenAsync(hasher.Hash(token), cancellationToken) : null;
        if (flow is not { Kind: FlowKind.Recovery } || await sites.FindAsync(flow.SiteId, cancellationToken) is not { } site)
        {
            return Page(http, antiforgery, token, "This link is unknown, expired or already used. Ask for a new one.", 400);
        }

        var result = await step.HandleAsync(site, new RecoverInput(token, form["password"]), cancellationToken);
        if (!result.IsSuccess)
        {
            return Page(http, antiforgery, token, result.Error!.Message, 400);
        }

        return result.Value!.ReturnTo is { } returnTo
            ? Results.Redirect(returnTo, permanent: false, preserveMethod: false)
            : Results.Content(Html("Password changed", "<h1>Your password has been changed</h1><p>You can sign in with it now.</p>"), "text/html; charset=utf-8");
    }

    private static IResult Page(HttpContext http, IAntiforgery antiforgery, string token, string? error, int status)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers.CacheControl = "no-store";
        var errorHtml = error is null ? "" : $"""<p id="error" role="alert">{e.Encode(error)}</p>""";
        var describedBy = error is null ? "" : " aria-describedby=\"error\"";
        return Results.Content(Html("Choose a new password", $"""
            <h1>Choose a new password</h1>{errorHtml}
            <form method="post" action="{Path}">
            <input type="hidden" name="{e.Encode(tokens.FormFieldName)}" value="{e.Encode(tokens.RequestToken!)}">
            <input type="hidden" name="token" value="{e.Encode(token)}">
            <label for="password">New password</label> <input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required autofocus{describedBy}>
            <label for="confirm">Repeat it</label> <input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
            <button type="submit">Save password</button>
            </form>
            """), "text/html; charset=utf-8", statusCode: status);
    }

    private static string Html(string title, string body) => $"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{HtmlEncoder.Default.Encode(title)}</title></head><body><main>{body}</main></body></html>
        """;
}
