using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Clients;
using Latchkey.Core.Sites;
using Latchkey.Core.Storage;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.WebUtilities;

namespace Latchkey.Server.HostedPages;
/// <summary>
/// Builds a <see cref="HostedContext"/> from the query a flow started with (an authorize request, or the login intent's
/// <see cref="LoginIntentPage"/>) or from a posted form. Null when it names no client, or when the login intent's
/// <c>postFlowUrl</c> is not on the client's allow-list: a flow that could only end at a refused address never starts.
/// </summary>
public sealed class HostedFlow(IAntiforgery antiforgery, IClientStore clients, ISiteStore sites, IIdentityProviderStore providers, AbuseGuard guard)
{
    public async Task<HostedContext?> FromQueryAsync(HttpContext http, string query, CancellationToken cancellationToken)
    {
        var returnQuery = WithoutPromptLogin(query);
        var parsed = QueryHelpers.ParseQuery(returnQuery);
        var clientId = parsed.TryGetValue("client_id", out var snake) ? snake.ToString() : parsed.GetValueOrDefault("clientId").ToString();
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 200 ||
            await clients.FindAsync(clientId, cancellationToken) is not { } client ||
            await sites.FindAsync(client.SiteId, cancellationToken) is not { } site)
        {
            return null;
        }

        var loginIntent = LoginIntentPage.Is(parsed);
        var postFlowUrl = ClientRedirect.Check(loginIntent ? parsed.GetValueOrDefault("postFlowUrl").ToString() : null, client, "postFlowUrl");
        if (!postFlowUrl.IsSuccess)
        {
            return null;
        }

        var context = new HostedContext(http, antiforgery, site, client, returnQuery, Language(parsed, site), postFlowUrl.Value, loginIntent)
        {
            IdentityProviders = [.. (await providers.ListAsync(site.Id, cancellationToken)).Where(p => p.Enabled)],
        };
        if (site.Captcha.Mode == CaptchaMode.Risk && site.Captcha.Provider == CaptchaProvider.Altcha)
        {
            // Risk mode: the widget shows from the first page when this address (or the site) is already under attack.
            foreach (var action in (GuardedAction[])[GuardedAction.Login, GuardedAction.Register, GuardedAction.Recovery])
            {
                await context.AskForCaptchaAfterAsync(guard, action, null, null, cancellationToken);
            }
        }

        return context;
    }

    /// <summary>
    /// The first of the request's <c>ui_locales</c> (OIDC: space-separated, in order of preference) that the pages
    /// speak, else the site's language. It stays in the return query, so every page of the flow keeps it.
    /// </summary>
    private static string Language(Dictionary<string, Microsoft.Extensions.Primitives.StringValues> query, Site site) =>
        (query.TryGetValue("ui_locales", out var snake) ? snake : query.GetValueOrDefault("uiLocales")).ToString()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(tag => tag.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(SiteBranding.Languages.Contains) ?? site.Branding.Language;

    /// <summary>The posted form, its context, and whether its antiforgery token is valid.</summary>
    public async Task<(HostedContext? Context, IFormCollection Form, bool CsrfValid)> FromFormAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (!http.Request.HasFormContentType)
        {
            return (null, FormCollection.Empty, false);
        }

        var form = await http.Request.ReadFormAsync(cancellationToken);
        var context = await FromQueryAsync(http, form["return"].ToString(), cancellationToken);
        return (context, form, await antiforgery.IsRequestValidAsync(http));
    }

    /// <summary>The authorize query without <c>prompt=login</c>, so that returning to it does not ask again.</summary>
    public static string WithoutPromptLogin(string query)
    {
        var parsed = QueryHelpers.ParseQuery(query)
            .Where(p => !(p.Key is "prompt" && p.Value.ToString() == "login"))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)));
        return QueryString.Create(parsed).Value ?? "";
    }
}
