using Latchkey.Core.Clients;
using Latchkey.Core.Errors;

namespace Latchkey.Server.Http;

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

        return caller.Value!.ApiKey is { } key && key.Permissions.HasFlag(ApiKeyPermissions.Admin)
            ? caller
            : LatchkeyErrors.PermissionDenied.WithDetail("This call needs an API key with the admin permission.");
    }
}
