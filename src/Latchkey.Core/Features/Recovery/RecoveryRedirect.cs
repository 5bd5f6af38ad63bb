using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Storage;

namespace Latchkey.Core.Features.Recovery;

/// <summary>
/// Where a caller asks the reset page to send the member afterwards: <c>redirect.url</c>, and the client whose redirect
/// URIs must allow it (the caller's own client when the request names none).
/// </summary>
public sealed record RecoveryRedirect(string? Url, string? ClientId)
{
    /// <summary>
    /// The URL to return to, or null when none was asked for. It must be an allowed authorization redirect URI of the
    /// client (docs/wire/recovery.md#send-recovery-email), exactly. The check does not depend on the email, so failing
    /// it reveals nothing about accounts.
    /// </summary>
    public static async Task<Result<string?>> CheckAsync(
        RecoveryRedirect? redirect, IClientStore clients, Guid siteId, CancellationToken cancellationToken)
    {
        if (redirect?.Url is not { Length: > 0 } url)
        {
            return (string?)null;
        }

        if (await clients.FindOfSiteAsync(redirect.ClientId, siteId, cancellationToken) is not { } client)
        {
            return LatchkeyErrors.ClientNotFound.WithDetail("redirect.clientId does not name a client of this site.");
        }

        return client.RedirectUris.Contains(url, StringComparer.Ordinal)
            ? url
            : LatchkeyErrors.RedirectNotAllowed.WithDetail($"redirect.url '{url}' is not an allowed redirect URI of client {redirect.ClientId}.");
    }
}
