namespace Latchkey.Server.Http;

/// <summary>
/// Every path alias of contract §2.1 is served on one host (decisions §2). A route is mapped once per prefix.
/// </summary>
public static class WixRoutes
{
    /// <summary>The Authentication service: <c>www</c> host, site host, and the older public docs' prefix.</summary>
    public static readonly string[] Authentication = ["/_api/iam/authentication", "/iam/authentication", "/authentication"];

    public static void MapPost(this IEndpointRouteBuilder app, string[] prefixes, string path, Delegate handler, string name)
    {
        foreach (var prefix in prefixes)
        {
            app.MapPost(prefix + path, handler).WithName(prefix == prefixes[0] ? name : $"{name} ({prefix})");
        }
    }

    public static void MapGet(this IEndpointRouteBuilder app, string[] prefixes, string path, Delegate handler, string name)
    {
        foreach (var prefix in prefixes)
        {
            app.MapGet(prefix + path, handler).WithName(prefix == prefixes[0] ? name : $"{name} ({prefix})");
        }
    }
}
