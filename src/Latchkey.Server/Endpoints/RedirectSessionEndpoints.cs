using Latchkey.Server.Callers;
using Latchkey.Server.Http;
using Latchkey.Server.OAuth;
using Latchkey.Server.Wire;

namespace Latchkey.Server.Endpoints;

/// <summary>
/// Create Redirect Session (docs/wire/redirects.md#redirects-api): an <c>auth</c> or <c>logout</c> intent becomes an
/// absolute URL on Latchkey's public base (<see cref="RedirectSessions"/>).
/// </summary>
public static class RedirectSessionEndpoints
{
    private static readonly string[] Paths =
        ["/_api/redirects-api/v1/redirect-session", "/redirect-session/v1/redirect-session", "/headless/v1/redirect-session", "/redirects-api/v1/redirect-session"];

    public static void MapRedirectSessionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost(Paths, "", CreateAsync, "CreateRedirectSession")
            .Wix(ApiDocs.OAuth, "A URL that starts a hosted login or logout (Wix Redirects API)");
    }

    private static async Task<ApiResult<RedirectSessionResponse>> CreateAsync(
        Call<RedirectSessionRequest> call, RedirectSessions redirects, PublicBaseUrl baseUrl, CancellationToken cancellationToken) =>
        await redirects.CreateAsync(call.Caller, call.Body, baseUrl.For(call.Request), cancellationToken);
}
