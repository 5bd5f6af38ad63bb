using System.Reflection;
using Latchkey.Core.Flows;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Latchkey.Core.Tokens;
using Microsoft.AspNetCore.Antiforgery;

namespace Latchkey.Server.HostedPages;

/// <summary>What a reset link names: its flow while the link still works, else the flow it was for (when known) and its site.</summary>
public sealed record ResetLink(Flow? Usable, Flow? Named, Site Site)
{
    public PageText Text => PageText.For(Site.Branding.Language);

    /// <summary>
    /// The token finds a live link's flow; the link's <c>flow</c> id finds one whose token was used (a used token's digest
    /// is replaced) or never matched, so that its end state still wears the site's branding and knows the way back.
    /// Nothing but a working token leads to the form. Without either, the page is unbranded.
    /// </summary>
    public static async Task<ResetLink> FindAsync(IServiceProvider services, string token, string? flowId, CancellationToken cancellationToken)
    {
        var flows = services.GetRequiredService<IFlowStore>();
        var sites = services.GetRequiredService<ISiteStore>();
        var byToken = token.Length is > 0 and <= 200
            ? await flows.FindByStateTokenAsync(services.GetRequiredService<TokenHasher>().Hash(token), cancellationToken)
            : null;
        if (byToken is { Kind: FlowKind.Recovery } && await sites.FindAsync(byToken.SiteId, cancellationToken) is { } site)
        {
            var usable = byToken.State == FlowState.RequireNewPassword && !byToken.IsExpired(services.GetRequiredService<TimeProvider>());
            return new ResetLink(usable ? byToken : null, byToken, site);
        }

        var named = Guid.TryParse(flowId, out var id) ? await flows.FindByIdAsync(id, cancellationToken) : null;
        return named is { Kind: FlowKind.Recovery } && await sites.FindAsync(named.SiteId, cancellationToken) is { } namedSite
            ? new ResetLink(null, named, namedSite)
            : new ResetLink(null, null, new Site { Name = "Latchkey" });
    }
}

/// <summary>
/// A post of the reset form: the form, the link its <c>token</c> and <c>flow</c> fields name, and (for a link that
/// still works) whether its antiforgery token is valid. <see cref="ResetPasswordPage"/> answers a post that is not a
/// form, names no working link or has expired before its handler runs.
/// </summary>
public sealed class ResetPost
{
    private readonly IFormCollection? _form;
    private readonly ResetLink? _link;

    private ResetPost(HttpContext http, IFormCollection? form, ResetLink? link, bool csrfValid)
    {
        Http = http;
        _form = form;
        _link = link;
        CsrfValid = csrfValid;
    }

    public HttpContext Http { get; }

    public bool IsForm => _form is not null;

    public IFormCollection Form => _form ?? throw new InvalidOperationException("A post that is not a form never reaches its handler.");

    public ResetLink Link => _link ?? throw new InvalidOperationException("A post that is not a form never reaches its handler.");

    /// <summary>The flow of a link that still works; the handler only sees such a link.</summary>
    public Flow Flow => Link.Usable ?? throw new InvalidOperationException("A link that no longer works never reaches the handler.");

    public Site Site => Link.Site;

    public string Token => Form["token"].ToString();

    public string FlowId => Form["flow"].ToString();

    public bool CsrfValid { get; }

    public static async ValueTask<ResetPost?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        if (!http.Request.HasFormContentType)
        {
            return new ResetPost(http, null, null, false);
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var link = await ResetLink.FindAsync(http.RequestServices, form["token"].ToString(), form["flow"].ToString(), http.RequestAborted);
        var csrfValid = link.Usable is not null && await http.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(http);
        return new ResetPost(http, form, link, csrfValid);
    }
}
