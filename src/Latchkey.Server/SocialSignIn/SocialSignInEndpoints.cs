using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Errors;
using Latchkey.Core.Features.SocialSignIn;
using Latchkey.Core.Sessions;
using Latchkey.Core.SocialSignIn;
using Latchkey.Core.Storage;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.HostedPages;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using OpenIddict.Abstractions;
using OpenIddict.Client.AspNetCore;

namespace Latchkey.Server.SocialSignIn;

/// <summary>
/// The hosted flow's round trip to a site's identity provider (docs/flows/social-sign-in.md): <c>GET
/// /sign-in/social/{id}</c> with the flow's query sends the browser to the provider through OpenIddict's client, and
/// the provider returns to <see cref="CallbackPath"/>, where OpenIddict checks the state, the code and the identity
/// token and Latchkey maps the identity (<see cref="ProviderProfiles"/>) and signs in (<see cref="SignInWithProvider"/>),
/// continuing the hosted flow as a password sign-in does. The flow's query travels inside OpenIddict's encrypted,
/// single-use state token, and is checked again on return like every hosted page's.
/// </summary>
public static partial class SocialSignInEndpoints
{
    public const string StartPath = HostedContext.SocialSignInPath;
    public const string CallbackPath = "/sign-in/social/callback";
    private const string ReturnItem = ".latchkey_return";

    public static void MapSocialSignInEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet(StartPath + "/{id:guid}", StartAsync).ExcludeFromDescription();
        // Apple answers with a form post (response_mode=form_post), the others with a redirect.
        app.MapMethods(CallbackPath, [HttpMethods.Get, HttpMethods.Post], CallbackAsync).DisableAntiforgery().ExcludeFromDescription();
        ConnectPage.Map(app);
        IdentitiesPage.Map(app);
    }

    private static async Task<IResult> StartAsync(
        Guid id, HttpContext http, HostedFlow flows, IIdentityProviderStore providers, OpenIddict.Client.OpenIddictClientService client,
        AbuseGuard guard, ILoggerFactory logs, CancellationToken cancellationToken)
    {
        if (await flows.FromQueryAsync(http, http.Request.QueryString.Value ?? "", cancellationToken) is not { } context)
        {
            return Results.BadRequest();
        }

        if (await providers.FindAsync(context.Site.Id, id, cancellationToken) is not { Enabled: true } provider)
        {
            return SignInPage.Render(context, context.Text.Error(LatchkeyErrors.IdentityProviderNotFound), status: 404);
        }

        // Each start stores a state and may call the provider: counted per address and per site before either, as the
        // return is.
        var allowed = await guard.CheckAsync(GuardedRequests.For(http.Request, context.Site, GuardedAction.SocialSignIn, null, captchaTokens: null), cancellationToken);
        if (allowed.IsFailure)
        {
            return Failed(context, allowed.Error);
        }

        // The provider's discovery first: one that is down or answers nonsense is a page saying so, before the browser
        // leaves, and no state is kept for it.
        try
        {
            await client.GetServerConfigurationByRegistrationIdAsync(provider.Id.ToString(), cancellationToken);
        }
#pragma warning disable CA1031 // Whatever the provider's failure (network, HTTP, JSON, OpenIddict's checks), the member gets the same page.
        catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            ProviderUnreachable(logs.CreateLogger(typeof(SocialSignInEndpoints).FullName!), provider.Id, e.GetType().Name, e.Message);
            return Failed(context, LatchkeyErrors.IdentityProviderFailed);
        }

        var properties = new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictClientAspNetCoreConstants.Properties.RegistrationId] = provider.Id.ToString(),
            [ReturnItem] = context.ReturnQuery,
        });
        return Results.Challenge(properties, [OpenIddictClientAspNetCoreDefaults.AuthenticationScheme]);
    }

    private static async Task<IResult> CallbackAsync(
        HttpContext http, HostedFlow flows, IIdentityProviderStore providers, SignInWithProvider step, SessionService sessions, GitHubEmails gitHub,
        CancellationToken cancellationToken)
    {
        // A return OpenIddict could not even read (a post that is not a form) has no request to authenticate: asking
        // OpenIddict 7.8 to authenticate it anyway throws.
        if (http.GetOpenIddictClientRequest() is null)
        {
            return Results.BadRequest();
        }

        AuthenticateResult result;
        try
        {
            result = await http.AuthenticateAsync(OpenIddictClientAspNetCoreDefaults.AuthenticationScheme);
        }
        catch (InvalidOperationException)
        {
            // The state named a registration that was removed since (SiteRegistrations): no provider, no flow to return to.
            return Results.BadRequest();
        }

        // Without a flow to return to (a forged or replayed return, a state OpenIddict refused) there is no page to show.
        if (result.Properties?.Items.TryGetValue(ReturnItem, out var returnQuery) != true || returnQuery is null ||
            await flows.FromQueryAsync(http, returnQuery, cancellationToken) is not { } context)
        {
            return Results.BadRequest();
        }

        if (!result.Succeeded || result.Principal is not { } principal ||
            !Guid.TryParse(principal.GetClaim(OpenIddictConstants.Claims.Private.RegistrationId), out var id) ||
            await providers.FindAsync(context.Site.Id, id, cancellationToken) is not { Enabled: true } provider)
        {
            return Failed(context, LatchkeyErrors.IdentityProviderFailed);
        }

        // GitHub's verified addresses are one more call with the token the code exchange returned.
        var gitHubEmails = provider.Kind == IdentityProviderKind.GitHub
            ? await gitHub.ReadAsync(
                result.Properties.GetTokenValue(OpenIddictClientAspNetCoreConstants.Tokens.BackchannelAccessToken), cancellationToken)
            : default;
        var identity = Map(provider.Kind, principal, http.Request, gitHubEmails);
        if (identity.IsFailure)
        {
            return Failed(context, identity.Error);
        }

        var guarded = GuardedRequests.For(http.Request, context.Site, GuardedAction.SocialSignIn, identity.Value.Email, captchaTokens: null);
        var outcome = await step.HandleAsync(guarded, provider, identity.Value, cancellationToken);
        if (outcome.IsFailure)
        {
            return Failed(context, outcome.Error);
        }

        if (outcome.Value.PendingLink is { } pending)
        {
            // Linked once the person signs in with the email (docs/flows/social-sign-in.md#linking): the sign-in page,
            // which says so, in a new request that carries the sealed link.
            PendingLinkCookie.Set(http, pending);
            return Results.Redirect(context.SignInUrl, permanent: false, preserveMethod: false);
        }

        return await context.ContinueAsync(outcome.Value.Outcome!, sessions, cancellationToken);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Identity provider {ProviderId} could not be reached or read: {Failure}: {Reason}")]
    private static partial void ProviderUnreachable(ILogger logger, Guid providerId, string failure, string reason);

    /// <summary>The sign-in page again, with what went wrong above the form, so the person can sign in another way.</summary>
    private static IResult Failed(HostedContext context, LatchkeyError failure) =>
        SignInPage.Render(context, context.Text.Error(failure), status: failure.Status);

    /// <summary>The provider's claims (identity token and user info, as OpenIddict merged them) as the JSON its rules read.</summary>
    private static Result<ExternalIdentity> Map(IdentityProviderKind kind, ClaimsPrincipal principal, HttpRequest request, JsonElement gitHubEmails)
    {
        var claims = new JsonObject();
        foreach (var claim in principal.Claims)
        {
            claims[claim.Type] = claim.ValueType switch
            {
                ClaimValueTypes.Boolean => bool.TryParse(claim.Value, out var flag) ? flag : claim.Value,
                ClaimValueTypes.Integer or ClaimValueTypes.Integer32 or ClaimValueTypes.Integer64 =>
                    long.TryParse(claim.Value, out var number) ? number : claim.Value,
                _ => claim.Value,
            };
        }

        var json = JsonSerializer.SerializeToElement(claims);
        return kind switch
        {
            IdentityProviderKind.Google => ProviderProfiles.Google(json),
            IdentityProviderKind.Apple => ProviderProfiles.Apple(json, request.HasFormContentType ? request.Form["user"].ToString() : null),
            IdentityProviderKind.Microsoft => ProviderProfiles.Microsoft(json),
            IdentityProviderKind.Facebook => ProviderProfiles.Facebook(json),
            IdentityProviderKind.GitHub => ProviderProfiles.GitHub(json, gitHubEmails),
            _ => ProviderProfiles.OpenIdConnect(json),
        };
    }
}
