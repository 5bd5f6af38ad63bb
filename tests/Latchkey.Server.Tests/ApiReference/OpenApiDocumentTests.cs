using System.Net;
using System.Text.Json;
using Latchkey.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Latchkey.Server.Tests.ApiReference;

/// <summary>
/// The OpenAPI document (issue #9): every endpoint is in it or deliberately left out, each operation says what it
/// does, and what it promises about errors is what the endpoints answer. docs/api/openapi.json is compared with the
/// build's own copy by scripts/test.sh.
/// </summary>
public class OpenApiDocumentTests
{
    [Fact]
    public async Task Every_endpoint_is_described_or_deliberately_excluded()
    {
        using var app = new LatchkeyApp();
        var document = await DocumentAsync(app);
        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet();

        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Fuzzing.PublicRoutes.Normalize("/" + e.RoutePattern.RawText!.TrimStart('/'))}"))
            .ToList();

        Assert.NotEmpty(endpoints);
        Assert.All(endpoints, endpoint => Assert.Contains(endpoint, described));
    }

    [Fact]
    public async Task Each_operation_has_a_summary_a_tag_and_a_documented_error_shape()
    {
        using var app = new LatchkeyApp();
        var document = await DocumentAsync(app);

        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var name = $"{operation.Name} {path.Name}";
                Assert.True(operation.Value.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10, name);
                Assert.Single(operation.Value.GetProperty("tags").EnumerateArray());
                Assert.True(operation.Value.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('2') || r.Name.StartsWith('3')), name);
            }
        }

        // Wix-compatible endpoints promise the Wix envelope; Latchkey's own promise problem details.
        var login = document.GetProperty("paths").GetProperty("/_api/iam/authentication/v2/login").GetProperty("post");
        Assert.EndsWith("/WixErrorBody", SchemaRef(login, "400"));
        Assert.EndsWith("/StateMachineResponse", SchemaRef(login, "200"));
        var client = document.GetProperty("paths").GetProperty("/admin/v1/clients").GetProperty("post");
        Assert.EndsWith("/ProblemDetails", SchemaRef(client, "400", "application/problem+json"));
    }

    [Fact]
    public async Task The_described_error_envelope_is_what_a_failing_endpoint_answers()
    {
        using var app = new LatchkeyApp();
        var document = await DocumentAsync(app);
        var envelope = document.GetProperty("components").GetProperty("schemas").GetProperty("WixErrorBody").GetProperty("properties");
        using var client = await app.VisitorClientAsync();

        var response = await client.PostAsync("/_api/iam/authentication/v2/login", HttpAssertions.Json("{}"));
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.All(body.EnumerateObject(), member => Assert.True(envelope.TryGetProperty(member.Name, out _), member.Name));
        var applicationError = document.GetProperty("components").GetProperty("schemas").GetProperty("WixApplicationError").GetProperty("properties");
        Assert.All(body.GetProperty("details").GetProperty("applicationError").EnumerateObject(), m => Assert.True(applicationError.TryGetProperty(m.Name, out _), m.Name));
    }

    [Fact]
    public async Task The_reference_page_is_served_and_can_be_turned_off()
    {
        using (var app = new LatchkeyApp())
        {
            using var http = app.CreateClient();
            var page = await http.GetAsync("/api-reference");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains("\"url\":\"openapi/v1.json\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api-reference/scalar.js")).StatusCode);
        }

        using var off = new LatchkeyApp(settings: new() { ["Latchkey:ApiReference:Enabled"] = "false" });
        using var closed = off.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await closed.GetAsync("/api-reference")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await closed.GetAsync("/openapi/v1.json")).StatusCode);
    }

    private static async Task<JsonElement> DocumentAsync(LatchkeyApp app)
    {
        using var http = app.CreateClient();
        var response = await http.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private static string SchemaRef(JsonElement operation, string status, string contentType = "application/json") =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty(contentType)
            .GetProperty("schema").GetProperty("$ref").GetString()!;
}
