using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Server.Http;
using Latchkey.Server.OAuth;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// <c>POST /admin/v1/clients</c>: registers an OAuth client for the API key's site (admin permission). Latchkey's
/// own endpoint, so errors are RFC 9457 problem details. The fuller admin API comes with its own issue.
/// </summary>
public static class AdminClientEndpoints
{
    public sealed record CreateClientRequest(string? DisplayName, string? Kind, bool? Confidential, List<string>? RedirectUris, List<string>? AllowedOrigins);

    public sealed record CreateClientResponse(string ClientId, string? ClientSecret, string Kind, bool Confidential);

    public static void MapAdminClientEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/admin/v1/clients", CreateAsync)
            .Own<CreateClientRequest, CreateClientResponse>(ApiDocs.Admin, "Register an OAuth client for the site (the secret is shown once)", StatusCodes.Status201Created);

    private static async Task<IResult> CreateAsync(
        HttpRequest request, CallerResolver callers, ClientRegistry registry, CancellationToken cancellationToken)
    {
        var caller = await callers.ResolveAsync(request, cancellationToken);
        if (!caller.IsSuccess)
        {
            return Problems.ToResult(caller.Error!);
        }

        if (caller.Value!.ApiKey is not { } key || !key.Permissions.HasFlag(ApiKeyPermissions.Admin))
        {
            return Problems.ToResult(LatchkeyErrors.PermissionDenied.WithDetail("Registering clients needs an API key with the admin permission."));
        }

        var body = await RequestBody.ReadAsync<CreateClientRequest>(request, cancellationToken);
        if (!body.IsSuccess)
        {
            return Problems.ToResult(body.Error!);
        }

        var input = body.Value!;
        var violations = new List<FieldViolation>();
        var kind = input.Kind?.ToLowerInvariant() switch
        {
            null or "standard" => ClientKind.Standard,
            "wixsdk" or "wix-sdk" => ClientKind.WixSdk,
            _ => (ClientKind?)null,
        };
        if (kind is null)
        {
            violations.Add(new FieldViolation("kind", "kind is 'standard' or 'wixSdk'.", "ENUM", "STRING"));
        }

        var redirects = input.RedirectUris ?? [];
        foreach (var uri in redirects.Where(u => !IsHttpUrl(u) || u.Contains('#', StringComparison.Ordinal)))
        {
            violations.Add(new FieldViolation("redirectUris", $"'{uri}' is not an absolute http(s) URI without a fragment.", "FORMAT", "URL"));
        }

        var origins = input.AllowedOrigins ?? [];
        foreach (var origin in origins.Where(o => !IsHttpUrl(o) || new Uri(o).AbsolutePath != "/"))
        {
            violations.Add(new FieldViolation("allowedOrigins", $"'{origin}' is not an origin (scheme://host[:port]).", "FORMAT", "URL"));
        }

        if (violations.Count > 0)
        {
            return Problems.ToResult(LatchkeyErrors.Validation([.. violations]));
        }

        var created = await registry.CreateAsync(new ClientRegistration(
            caller.Value.Site.Id, kind!.Value, input.Confidential ?? false, input.DisplayName ?? "client", redirects,
            [.. origins.Select(o => o.TrimEnd('/'))]), cancellationToken);
        return TypedResults.Created($"/admin/v1/clients/{created.ClientId}",
            new CreateClientResponse(created.ClientId, created.ClientSecret, kind.Value == ClientKind.WixSdk ? "wixSdk" : "standard", input.Confidential ?? false));
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
