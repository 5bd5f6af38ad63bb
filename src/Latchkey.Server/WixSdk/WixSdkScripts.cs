using System.Security.Cryptography;
using System.Text;
using Latchkey.Server.Wire;

namespace Latchkey.Server.WixSdk;

/// <summary>
/// The integration a headless site adds so that the unmodified Wix SDK talks to this server (docs/wix-sdk.md), served
/// from the server itself at stable paths: <c>/_latchkey/wix-sdk.mjs</c>, an ES module, and <c>/_latchkey/wix-sdk.js</c>,
/// a classic script. Both are <c>packages/wix-sdk/index.js</c>, embedded at build, plus one line that installs it for
/// the base URL the file was loaded from, so a page needs no configuration. Public code: any origin may load it
/// (a cross-origin module script is fetched with CORS).
/// </summary>
public static class WixSdkScripts
{
    public const string ModulePath = "/_latchkey/wix-sdk.mjs";
    public const string ScriptPath = "/_latchkey/wix-sdk.js";

    private static readonly Lazy<(byte[] Bytes, string ETag)> Module = new(() => Build(Source() + """

        // Served by Latchkey: installs itself for the server it was loaded from.
        useLatchkey(new URL('..', import.meta.url).href);

        """));

    private static readonly Lazy<(byte[] Bytes, string ETag)> Script = new(() => Build("(() => {\n" +
        Source().Replace("export { useLatchkey, latchkeyFetch, rewriteUrl };", "", StringComparison.Ordinal) + """

        // Served by Latchkey as a classic script: installs itself for the server it was loaded from.
        useLatchkey(new URL('..', document.currentScript.src).href);
        globalThis.Latchkey = { useLatchkey, latchkeyFetch, rewriteUrl };
        })();

        """));

    public static void MapWixSdkScripts(this IEndpointRouteBuilder app)
    {
        app.MapGet(ModulePath, (HttpContext http) => Serve(http, Module.Value)).ExcludeFromDescription();
        app.MapGet(ScriptPath, (HttpContext http) => Serve(http, Script.Value)).ExcludeFromDescription();
    }

    private static IResult Serve(HttpContext http, (byte[] Bytes, string ETag) file)
    {
        var headers = http.Response.Headers;
        headers.AccessControlAllowOrigin = "*";
        headers["Cross-Origin-Resource-Policy"] = "cross-origin";
        headers.CacheControl = "public, max-age=3600";
        headers.XContentTypeOptions = "nosniff";
        headers.ETag = file.ETag;
        return http.Request.Headers.IfNoneMatch == file.ETag
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(file.Bytes, "text/javascript; charset=utf-8");
    }

    private static string Source()
    {
        using var stream = typeof(WixSdkScripts).Assembly.GetManifestResourceStream("lk-wix-sdk/index.js")
            ?? throw new InvalidOperationException("packages/wix-sdk/index.js was not embedded in the build.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static (byte[], string) Build(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return (bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
    }
}
