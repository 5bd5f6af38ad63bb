using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Server.Callers;

namespace Latchkey.Server.Admin;

/// <summary>Site administration (policies, member status) needs an API key with the admin permission.</summary>
public static class AdminCaller
{
    public static async Task<Result<Caller>> ResolveAsync(CallerResolver callers, HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return caller;
        }

        return caller.Value.ApiKey is { } key && key.Permissions.HasFlag(ApiKeyPermissions.Admin)
            ? caller
            : LatchkeyErrors.PermissionDenied.WithDetail("This call needs an API key with the admin permission.");
    }

    /// <summary>
    /// Who an admin call writes in the audit log: its API key, limited to its site unless it holds the server-admin
    /// permission. Only for endpoints that require <see cref="CallerKind.Admin"/>, whose callers always hold a key.
    /// </summary>
    public static AdminActor Actor(this CallBase call) =>
        AdminActor.For(call.Caller.ApiKey ?? throw new InvalidOperationException("Not an admin call."));
}
