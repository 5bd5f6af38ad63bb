using System.Text.Encodings.Web;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Clients;
using Latchkey.Core.Features;
using Latchkey.Core.Features.Login;
using Latchkey.Core.Features.Mfa;
using Latchkey.Core.Flows;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Server.Http;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;
using OpenIddict.Abstractions;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// The minimal hosted login page behind <c>prompt=login</c> (the full hosted pages come with their own issue).
/// The form posts to <c>/oauth2/authorize/login</c>, never to the OAuth endpoint, so a password never enters the
/// protocol engine or its logs; on success the browser gets its session cookie and returns to the authorize URL.
/// A member with MFA gets a second form for a TOTP or recovery code (<c>/oauth2/authorize/login/mfa</c>).
/// </summary>
public sealed class HostedLoginPage(IAntiforgery antiforgery)
{
    public const string LoginPath = "/oauth2/authorize/login";
    public const string MfaPath = "/oauth2/authorize/login/mfa";

    public Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request, SiteClient client, CancellationToken cancellationToken)
    {
        _ = client;
        _ = cancellationToken;
        return Task.FromResult(Page(http, ReturnQuery(http.Request.QueryString.Value ?? ""), error: null));
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(LoginPath, SubmitAsync).DisableAntiforgery();
        app.MapPost(MfaPath, SubmitMfaAsync).DisableAntiforgery();
    }

    private static async Task<IResult> SubmitAsync(
        HttpContext http, IAntiforgery antiforgery, IClientStore clients, ISiteStore sites, AbuseGuard guard, LogInMember login,
        SessionService sessions, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnQuery = form["return"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, "The form expired; please try again.");
        }

        if (await SiteOfAsync(returnQuery, clients, sites, cancellationToken) is not { } site)
        {
            return Results.BadRequest();
        }

        // The same throttling and CAPTCHA rules as the API (the ALTCHA widget posts its solution as "altcha").
        var guarded = new GuardedRequest(site, GuardedAction.Login, EmailAddress.Parse(form["email"]).Value?.Normalized,
            Latchkey.Server.AbuseProtection.GuardedRequests.Peer(http.Connection.RemoteIpAddress), form["altcha"] is { Count: > 0 } altcha ? [new CaptchaToken("Altcha", altcha.ToString())] : []);
        var pass = await guard.CheckAsync(guarded, cancellationToken);
        if (!pass.IsSuccess)
        {
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, pass.Error!.Message);
        }

        var outcome = await login.HandleAsync(site, new LoginInput(form["email"], form["password"]), cancellationToken);
        await guard.RecordLoginAsync(guarded, outcome, cancellationToken);
        if (outcome.IsSuccess && outcome.Value!.State == StateType.RequireMfa)
        {
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, error: null, outcome.Value.StateToken);
        }

        return await FinishAsync(http, antiforgery, sessions, site, returnQuery, outcome, cancellationToken);
    }

    private static async Task<IResult> SubmitMfaAsync(
        HttpContext http, IAntiforgery antiforgery, IClientStore clients, ISiteStore sites, VerifyMfaCode verify,
        SessionService sessions, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return Results.BadRequest();
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var returnQuery = form["return"].ToString();
        var stateToken = form["state_token"].ToString();
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, "The form expired; please try again.", stateToken);
        }

        if (await SiteOfAsync(returnQuery, clients, sites, cancellationToken) is not { } site)
        {
            return Results.BadRequest();
        }

        // Six digits are a TOTP code; anything else is tried as a recovery code.
        var code = form["code"].ToString().Trim();
        var factor = code.Length == 6 && code.All(char.IsAsciiDigit) ? "TOTP" : "RECOVERY_CODE";
        var outcome = await verify.HandleAsync(site.Id, new VerifyMfaInput(stateToken, factor, code), cancellationToken);
        if (!outcome.IsSuccess && outcome.Error!.Code is "mfa_code_invalid" or "totp_code_reused" or "validation_failed")
        {
            // The flow is still alive: ask again on the same form.
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, outcome.Error.Message, stateToken);
        }

        return await FinishAsync(http, antiforgery, sessions, site, returnQuery, outcome, cancellationToken);
    }

    private static async Task<Site?> SiteOfAsync(string returnQuery, IClientStore clients, ISiteStore sites, CancellationToken cancellationToken)
    {
        var query = QueryHelpers.ParseQuery(returnQuery);
        var clientId = query.TryGetValue("client_id", out var snake) ? snake.ToString() : query.GetValueOrDefault("clientId").ToString();
        return await clients.FindAsync(clientId, cancellationToken) is { } client ? await sites.FindAsync(client.SiteId, cancellationToken) : null;
    }

    /// <summary>SUCCESS opens a browser session and returns to authorize; anything else shows the login form again.</summary>
    private static async Task<IResult> FinishAsync(
        HttpContext http, IAntiforgery antiforgery, SessionService sessions, Site site, string returnQuery,
        Latchkey.Core.Errors.Result<AuthOutcome> outcome, CancellationToken cancellationToken)
    {
        if (!outcome.IsSuccess || outcome.Value!.State != StateType.Success)
        {
            var message = outcome.IsSuccess ? "This account is not ready to sign in yet." : outcome.Error!.Message;
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, message);
        }

        var redeemed = await sessions.RedeemAsync(site.Id, outcome.Value.SessionToken, withCookie: true, cancellationToken);
        if (!redeemed.IsSuccess)
        {
            return new HostedLoginPage(antiforgery).Page(http, returnQuery, redeemed.Error!.Message);
        }

        SessionCookie.Set(http.Response, http.Request, redeemed.Value!.Cookie!, redeemed.Value.Session.ExpiresAt);
        return Results.Redirect("/oauth2/authorize" + returnQuery, permanent: false, preserveMethod: false);
    }

    /// <summary>The authorize query without <c>prompt=login</c>, so that returning to it does not ask again.</summary>
    private static string ReturnQuery(string query)
    {
        var parsed = QueryHelpers.ParseQuery(query)
            .Where(p => !(p.Key is "prompt" && p.Value.ToString() == "login"))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return QueryString.Create(parsed).Value ?? "";
    }

    private IResult Page(HttpContext http, string returnQuery, string? error, string? mfaStateToken = null)
    {
        var tokens = antiforgery.GetAndStoreTokens(http);
        var e = HtmlEncoder.Default;
        var errorHtml = error is null ? "" : $"""<p id="error" role="alert">{e.Encode(error)}</p>""";
        if (mfaStateToken is not null)
        {
            return Results.Content($"""
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Two-step verification</title></head>
                <body><main><h1>Two-step verification</h1>{errorHtml}
                <form method="post" action="{MfaPath}">
                <input type="hidden" name="{e.Encode(tokens.FormFieldName)}" value="{e.Encode(tokens.RequestToken!)}">
                <input type="hidden" name="return" value="{e.Encode(returnQuery)}">
                <input type="hidden" name="state_token" value="{e.Encode(mfaStateToken)}">
                <label for="code">Code from your authenticator app, or a recovery code</label>
                <input id="code" name="code" autocomplete="one-time-code" required autofocus>
                <button type="submit">Verify</button>
                </form></main></body></html>
                """, "text/html; charset=utf-8", statusCode: error is null ? 200 : 400);
        }

        var html = $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Sign in</title></head>
            <body><main><h1>Sign in</h1>{errorHtml}
            <form method="post" action="{LoginPath}">
            <input type="hidden" name="{e.Encode(tokens.FormFieldName)}" value="{e.Encode(tokens.RequestToken!)}">
            <input type="hidden" name="return" value="{e.Encode(returnQuery)}">
            <label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="username" required {(error is null ? "autofocus" : "aria-describedby=\"error\"")}>
            <label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
            </form></main></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: error is null ? 200 : 400);
    }
}
