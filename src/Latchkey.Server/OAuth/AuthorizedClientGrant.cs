using Latchkey.Core.Clients;
using Latchkey.Core.Members;
using Latchkey.Core.Sessions;
using Latchkey.Core.Storage;
using Latchkey.Server.Callers;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// <c>grant_type=authorized_client</c> (docs/wire/overview.md#flow-f-trusted-sign-on,
/// docs/wire/oauth.md#token-endpoint): a trusted backend, authenticated by an API key with the sign-on permission in
/// <c>Authorization: &lt;visitor token&gt;,&lt;API key&gt;</c>, gets member tokens for <c>member_id</c>, either by
/// redeeming the <c>session_token</c> that Sign On returned or, with <c>scope=offline_access</c>, on its own word. The
/// tokens are presented by the site's Wix-SDK client, so the SDK can refresh them with its own clientId.
/// </summary>
public sealed class AuthorizedClientGrant(CallerResolver callers, IMemberStore members, IClientStore clients, SessionService sessions)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public const string GrantType = "authorized_client";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<AuthorizedClientGrant>()
            .SetOrder(OpenIddictServerHandlers.Exchange.AttachPrincipal.Descriptor.Order + 1_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        if (context.Request.GrantType != GrantType)
        {
            return;
        }

        var http = context.Transaction.GetHttpRequest() ?? throw new InvalidOperationException("No HTTP request.");
        var caller = await callers.ResolveAsync(http, context.CancellationToken);
        if (!caller.IsSuccess || !caller.Value.CanSignOn)
        {
            context.Reject(Errors.InvalidClient, "The authorized_client grant needs an API key with the sign-on permission in the Authorization header.");
            return;
        }

        var site = caller.Value.Site;
        // An explicit client_id must be one of the API key's site: tokens presented by another site's client would
        // be refreshable there, for a member that site does not have.
        if (context.Request.ClientId is { Length: > 0 } requested &&
            await clients.FindOfSiteAsync(requested, site.Id, context.CancellationToken) is null)
        {
            context.Reject(Errors.InvalidClient, "client_id is not a client of the API key's site.");
            return;
        }

        if (!Guid.TryParse((string?)context.Request["member_id"], out var memberId) ||
            await members.FindAsync(site.Id, memberId, context.CancellationToken) is not { } member || !SessionService.CanSignIn(member))
        {
            context.Reject(Errors.InvalidGrant, "member_id does not name an active member of the API key's site.");
            return;
        }

        var session = await OpenSessionAsync(context, site.Id, member);
        if (session is null)
        {
            return;
        }

        var principal = MemberPrincipal.Create(member, session, [Scopes.OfflineAccess]);
        if (context.Request.ClientId is { Length: > 0 } clientId)
        {
            // Presented by the site's SDK client (InferAuthorizedClientId): the SDK then refreshes with its own
            // clientId, under that client's stable refresh policy.
            principal.SetPresenters(clientId);
        }

        context.SignIn(principal);
    }

    private async Task<MemberSession?> OpenSessionAsync(HandleTokenRequestContext context, Guid siteId, Member member)
    {
        if ((string?)context.Request["session_token"] is { Length: > 0 } sessionToken)
        {
            var redeemed = await sessions.RedeemAsync(siteId, sessionToken, withCookie: false, context.CancellationToken);
            if (!redeemed.IsSuccess || redeemed.Value.Member.Id != member.Id)
            {
                context.Reject(Errors.InvalidGrant, "session_token is unknown, expired, already used, or for another member.");
                return null;
            }

            return redeemed.Value.Session;
        }

        if (!context.Request.HasScope(Scopes.OfflineAccess))
        {
            context.Reject(Errors.InvalidRequest, "Send session_token, or scope=offline_access.");
            return null;
        }

        return (await sessions.OpenAsync(member, withCookie: false, context.CancellationToken)).Session;
    }
}
