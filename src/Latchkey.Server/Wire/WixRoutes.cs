namespace Latchkey.Server.Wire;

/// <summary>
/// Every path alias (docs/wire/conventions.md#hosts-and-paths) is served on one host. A route is mapped once per
/// prefix; only the first prefix appears in the OpenAPI document (the aliases are the same operation under another
/// name).
/// </summary>
public static class WixRoutes
{
    /// <summary>The Authentication service: <c>www</c> host, site host, and the older public docs' prefix.</summary>
    public static readonly string[] Authentication = ["/_api/iam/authentication", "/iam/authentication", "/authentication"];

    /// <summary>Latchkey's own ALTCHA challenge (docs/abuse-protection.md#captcha): the API serves it, hosted pages link to it.</summary>
    public const string AltchaChallenge = "/_api/latchkey/captcha/v1/altcha-challenge";

    public static RouteHandlerBuilder MapPost(this IEndpointRouteBuilder app, string[] prefixes, string path, Delegate handler, string? name = null) =>
        app.MapMethods(prefixes, path, [HttpMethods.Post], handler, name);

    public static RouteHandlerBuilder MapGet(this IEndpointRouteBuilder app, string[] prefixes, string path, Delegate handler, string? name = null) =>
        app.MapMethods(prefixes, path, [HttpMethods.Get], handler, name);

    /// <summary>Maps <paramref name="path"/> under each prefix; conventions added to the result apply to all of them.</summary>
    public static RouteHandlerBuilder MapMethods(
        this IEndpointRouteBuilder app, string[] prefixes, string path, string[] methods, Delegate handler, string? name = null)
    {
        var builders = new List<IEndpointConventionBuilder>(prefixes.Length);
        foreach (var prefix in prefixes)
        {
            var builder = app.MapMethods(prefix + path, methods, handler);
            if (name is not null)
            {
                builder.WithName(prefix == prefixes[0] ? name : $"{name} ({prefix})");
            }

            if (prefix != prefixes[0])
            {
                builder.ExcludeFromDescription();
            }

            builders.Add(builder);
        }

        return new RouteHandlerBuilder(builders);
    }
}
