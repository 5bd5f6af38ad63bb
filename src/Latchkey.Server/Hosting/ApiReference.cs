using Latchkey.Server.Configuration;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Latchkey.Server.Hosting;

/// <summary>
/// The OpenAPI document of every endpoint (<c>/openapi/v1.json</c>; committed as <c>docs/api/openapi.json</c>, which
/// the build regenerates and CI compares) and a browsable reference at <c>/api-reference</c>. The reference's script
/// is served from the Scalar package itself; fonts, telemetry, the AI agent and the request proxy are off, so the page
/// loads nothing from outside the server (the machine and many deployments are offline).
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-reference";

    private static readonly HashSet<string> SharedNestedNames = typeof(ApiReference).Assembly.GetTypes()
        .Where(t => t.IsNested && t.DeclaringType!.Name.EndsWith("Endpoints", StringComparison.Ordinal))
        .GroupBy(t => t.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

    public static IServiceCollection AddLatchkeyApiReference(this IServiceCollection services) =>
        services.AddOpenApi("v1", options =>
        {
            // Request and response records are nested in their endpoint class, and a few share a short name
            // (StartRequest, VerifyRequest): those are prefixed with their feature, e.g. MfaVerifyRequest.
            options.CreateSchemaReferenceId = type => SharedNestedNames.Contains(type.Type.Name) && type.Type.DeclaringType is { } owner
                ? owner.Name.Replace("Endpoints", "", StringComparison.Ordinal) + type.Type.Name
                : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Latchkey",
                    Version = "v1",
                    Description = """
                    Member authentication for headless sites: the Wix headless Authentication API, OAuth 2.0 / OpenID
                    Connect (authorization code + PKCE, refresh, revocation, introspection; discovery at
                    `/.well-known/openid-configuration`) and Latchkey's own admin and MFA endpoints.

                    **Errors.** Wix-compatible endpoints answer the Wix envelope `{message, code, details}`; Latchkey's
                    own endpoints answer RFC 9457 problem details. Both carry a stable `code` from one catalog, each
                    explained in `docs/errors/<code>.md`.

                    **Credentials** go in `Authorization`: an access token (`Bearer <token>` or the bare token), an API
                    key, or `<token>,<apiKey>`.
                    """,
                    License = new OpenApiLicense { Name = "MIT" },
                };
                document.Servers = [];
                return Task.CompletedTask;
            });
        });

    public static void MapLatchkeyApiReference(this WebApplication app)
    {
        if (!app.Configuration.GetValue($"{LatchkeyOptions.Section}:ApiReference:Enabled", true))
        {
            return;
        }

        app.MapOpenApi(DocumentPath).ExcludeFromDescription();
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("Latchkey API reference")
            .WithOpenApiRoutePattern(DocumentPath)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp())
            .ExcludeFromDescription();
    }
}
