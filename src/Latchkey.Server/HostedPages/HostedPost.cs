using System.Reflection;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features;
using Latchkey.Core.Sessions;
using Latchkey.Server.AbuseProtection;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// A post of a hosted form, the pages' counterpart of the API's <c>Call</c>: the form, the flow context its
/// <c>return</c> field names, and whether its antiforgery token is valid. Bound before the handler runs; a post
/// without a context or with an expired form is answered by <see cref="HostedPosts.HostedForm(RouteHandlerBuilder, Func{HostedPost, IResult})"/>,
/// so a handler only sees a live context and a valid form.
/// </summary>
public sealed class HostedPost
{
    private readonly HostedContext? _context;

    private HostedPost(HttpContext http, HostedContext? context, IFormCollection form, bool csrfValid)
    {
        Http = http;
        _context = context;
        Form = form;
        CsrfValid = csrfValid;
    }

    public HttpContext Http { get; }

    public IFormCollection Form { get; }

    public bool CsrfValid { get; }

    public bool HasContext => _context is not null;

    public HostedContext Context => _context ?? throw new InvalidOperationException("A post without a context never reaches its handler.");

    /// <summary>The text of one form field, empty when it was not posted.</summary>
    public string Field(string name) => Form[name].ToString();

    /// <summary>"This form has expired", in the page's language.</summary>
    public string Expired => Context.Text["form.expired"];

    public static async ValueTask<HostedPost?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        var flow = http.RequestServices.GetRequiredService<HostedFlow>();
        var (context, form, csrfValid) = await flow.FromFormAsync(http, http.RequestAborted);
        return new HostedPost(http, context, form, csrfValid);
    }

    /// <summary>
    /// What the abuse guard counts for this post. <paramref name="captcha"/>: the ALTCHA token the widget posted (the
    /// forms that can show it: sign in, sign up, forgot password).
    /// </summary>
    public GuardedRequest Guarded(GuardedAction action, string? account = null, bool captcha = true) =>
        new(Context.Site, action, account, GuardedRequests.Peer(Http.Connection.RemoteIpAddress), captcha ? HostedContext.CaptchaTokens(Form) : []);

    /// <summary>Where a sign-in step's outcome leads (<see cref="HostedContext.ContinueAsync"/>), or the page <paramref name="failed"/> gives for its failure.</summary>
    public async Task<IResult> ContinueAsync(Result<AuthOutcome> outcome, Func<LatchkeyError, IResult> failed, CancellationToken cancellationToken) =>
        outcome.IsSuccess ? await Context.ContinueAsync(outcome.Value, Sessions, cancellationToken) : failed(outcome.Error);

    /// <summary>As <see cref="ContinueAsync(Result{AuthOutcome}, Func{LatchkeyError, IResult}, CancellationToken)"/>, on a form that can show the CAPTCHA (<see cref="FailedAsync"/>).</summary>
    public async Task<IResult> ContinueAsync(
        Result<AuthOutcome> outcome, GuardedRequest guarded, Func<LatchkeyError, IResult> failed, CancellationToken cancellationToken) =>
        outcome.IsSuccess ? await Context.ContinueAsync(outcome.Value, Sessions, cancellationToken) : await FailedAsync(guarded, outcome.Error, failed, cancellationToken);

    /// <summary>
    /// The page for a failed step of a form that can show the CAPTCHA: the widget is asked for first when the failure was
    /// about it or the guard would now ask for one (<see cref="HostedContext.AskForCaptchaAfterAsync"/>), so the page shows it.
    /// </summary>
    public async Task<IResult> FailedAsync(GuardedRequest guarded, LatchkeyError failure, Func<LatchkeyError, IResult> failed, CancellationToken cancellationToken)
    {
        await Context.AskForCaptchaAfterAsync(Http.RequestServices.GetRequiredService<AbuseGuard>(), guarded.Action, guarded.Account, failure, cancellationToken);
        return failed(failure);
    }

    private SessionService Sessions => Http.RequestServices.GetRequiredService<SessionService>();
}

public static class HostedPosts
{
    /// <summary>
    /// A hosted form's post (<see cref="HostedPost"/>): one without a known client is a bare 400, one with an invalid
    /// antiforgery token gets <paramref name="expired"/> (the form again, saying it has expired), before the handler runs.
    /// The antiforgery token is checked by the binding, so the framework's own check is off.
    /// </summary>
    public static RouteHandlerBuilder HostedForm(this RouteHandlerBuilder builder, Func<HostedPost, IResult> expired) =>
        builder.HostedForm(post => ValueTask.FromResult(expired(post)));

    /// <inheritdoc cref="HostedForm(RouteHandlerBuilder, Func{HostedPost, IResult})"/>
    public static RouteHandlerBuilder HostedForm(this RouteHandlerBuilder builder, Func<HostedPost, ValueTask<IResult>> expired) =>
        builder.AnsweredBefore<HostedPost>(async post => !post.HasContext ? Results.BadRequest() : !post.CsrfValid ? await expired(post) : null);

    /// <summary>
    /// Answers a page post before its handler when <paramref name="answer"/> gives a page for its bound
    /// <typeparamref name="TPost"/> (a post the handler must not see); null lets the handler run.
    /// </summary>
    public static RouteHandlerBuilder AnsweredBefore<TPost>(this RouteHandlerBuilder builder, Func<TPost, ValueTask<IResult?>> answer) =>
        builder.DisableAntiforgery().AddEndpointFilter(async (invocation, next) =>
            await answer(invocation.Arguments.OfType<TPost>().Single()) is { } page ? page : await next(invocation));
}
