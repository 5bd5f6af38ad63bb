using System.Collections.Frozen;
using System.Security.Cryptography;
using Latchkey.Server.Wire;

namespace Latchkey.Server.HostedPages;

/// <summary>
/// The hosted pages' static files, embedded in the server and served by it, so the pages need nothing from any other
/// host: the stylesheet, the default icon (<c>favicon.svg</c>; a site's logo replaces it), and the ALTCHA widget (npm <c>altcha</c> 2.3.0, MIT, its strict-CSP build
/// <c>dist_external</c>: <c>altcha.js</c>, the <c>worker.js</c> it starts, <c>altcha.css</c>).
/// </summary>
public static class HostedAssets
{
    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, string ETag)> Files = Load();

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGet(PageLayout.AssetsPath + "/{name}", (string name, HttpContext http) =>
        {
            if (!Files.TryGetValue(name, out var file))
            {
                return Results.NotFound();
            }

            http.Response.Headers.CacheControl = "public, max-age=3600";
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ETag = file.ETag;
            return http.Request.Headers.IfNoneMatch == file.ETag
                ? Results.StatusCode(StatusCodes.Status304NotModified)
                : Results.Bytes(file.Bytes, file.ContentType);
        });

    private static FrozenDictionary<string, (byte[], string, string)> Load()
    {
        var assembly = typeof(HostedAssets).Assembly;
        var files = new Dictionary<string, (byte[], string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("lk-asset/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var name = resource["lk-asset/".Length..];
            var type = Path.GetExtension(name) switch
            {
                ".css" => "text/css; charset=utf-8",
                ".svg" => "image/svg+xml",
                _ => "text/javascript; charset=utf-8",
            };
            files[name] = (bytes, type, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
        }

        return files.ToFrozenDictionary();
    }
}
