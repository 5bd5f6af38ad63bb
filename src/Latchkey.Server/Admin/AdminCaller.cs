using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Server.Callers;

namespace Latchkey.Server.Admin;

/// <summary>An admin request: the API key's site and who to write in the audit log.</summary>
public sealed record AdminContext(Site Site, AdminActor Actor);

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

    /// <summary>As <see cref="ResolveAsync"/>, with the actor the admin operations audit.</summary>
    public static async Task<Result<AdminContext>> ResolveAdminAsync(CallerResolver callers, HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await ResolveAsync(callers, request, cancellationToken);
        return caller.IsSuccess ? new AdminContext(caller.Value.Site, AdminActor.For(caller.Value.ApiKey!)) : caller.Error;
    }
}
