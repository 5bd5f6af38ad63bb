namespace Latchkey.Server.Wire;

/// <summary>
/// What the OpenAPI document (<c>docs/api/openapi.json</c>) says about each endpoint. Handlers return
/// <see cref="IResult"/> and read their bodies through <see cref="RequestBody"/> (so that malformed input becomes a
/// catalog error, not a framework 400), which hides the shapes from the generator: each endpoint declares them here.
/// </summary>
public static class ApiDocs
{
    public const string WixAuthentication = "Authentication (Wix)";
    public const string WixRecovery = "Recovery (Wix)";
    public const string WixVerification = "Verification (Wix)";
    public const string WixMembers = "Members (Wix)";
    public const string OAuth = "OAuth 2.0";
    public const string Mfa = "MFA";
    public const string Admin = "Admin";
    public const string Health = "Health";

    private const string Json = "application/json";

    /// <summary>The empty object <c>{}</c> that several Wix endpoints answer with.</summary>
    public sealed record EmptyObject;

    /// <summary>A Wix-compatible endpoint: errors are the Wix envelope (docs/wire/conventions.md#errors).</summary>
    public static RouteHandlerBuilder Wix<TRequest, TResponse>(this RouteHandlerBuilder builder, string tag, string summary)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(Json).Wix<TResponse>(tag, summary);

    /// <summary>A Wix-compatible endpoint without a request body.</summary>
    public static RouteHandlerBuilder Wix<TResponse>(this RouteHandlerBuilder builder, string tag, string summary) =>
        builder.WithTags(tag).WithSummary(summary)
            .Produces<TResponse>(StatusCodes.Status200OK, Json)
            .WixErrors();

    /// <summary>One of Latchkey's own endpoints: errors are RFC 9457 problem details with a catalog <c>code</c>.</summary>
    public static RouteHandlerBuilder Own<TRequest, TResponse>(this RouteHandlerBuilder builder, string tag, string summary, int status = StatusCodes.Status200OK)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(Json).Own<TResponse>(tag, summary, status);

    /// <summary>One of Latchkey's own endpoints without a request body.</summary>
    public static RouteHandlerBuilder Own<TResponse>(this RouteHandlerBuilder builder, string tag, string summary, int status = StatusCodes.Status200OK) =>
        builder.WithTags(tag).WithSummary(summary)
            .Produces<TResponse>(status, Json)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    private static RouteHandlerBuilder WixErrors(this RouteHandlerBuilder builder) =>
        builder
            .Produces<WixErrorBody>(StatusCodes.Status400BadRequest, Json)
            .Produces<WixErrorBody>(StatusCodes.Status401Unauthorized, Json)
            .Produces<WixErrorBody>(StatusCodes.Status403Forbidden, Json)
            .Produces<WixErrorBody>(StatusCodes.Status429TooManyRequests, Json)
            .Produces<WixErrorBody>(StatusCodes.Status503ServiceUnavailable, Json);
}
