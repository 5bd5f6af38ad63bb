namespace Latchkey.Server.Wire;

/// <summary>
/// What each endpoint is for the OpenAPI document (<c>docs/api/openapi.json</c>) and for its errors: its tag, summary,
/// error responses and <see cref="ErrorShape"/>, and the filter that answers a failed binding
/// (<see cref="BoundRequests"/>). Request and success shapes come from the handler's signature (a bound body, an
/// <see cref="ApiResult{T}"/>); a handler that still returns a bare <see cref="IResult"/> declares them here.
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
    public const string SocialSignIn = "Social sign-in";
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
        builder.Produces<TResponse>(StatusCodes.Status200OK, Json).Wix(tag, summary);

    /// <summary>
    /// A Wix-compatible endpoint whose shapes are in its handler's signature. <paramref name="alwaysApplicationError"/>:
    /// validation errors carry <c>applicationError</c> too (login and MFA: the SDK reads it unguarded).
    /// </summary>
    public static RouteHandlerBuilder Wix(this RouteHandlerBuilder builder, string tag, string summary, bool alwaysApplicationError = false) =>
        builder.WithTags(tag).WithSummary(summary)
            .WithMetadata(alwaysApplicationError ? new ErrorShape(Problem: false, AlwaysApplicationError: true) : ErrorShape.Wix)
            .AddEndpointFilterFactory(BoundRequests.Filter)
            .WixErrors();

    /// <summary>One of Latchkey's own endpoints: errors are RFC 9457 problem details with a catalog <c>code</c>.</summary>
    public static RouteHandlerBuilder Own<TRequest, TResponse>(this RouteHandlerBuilder builder, string tag, string summary, int status = StatusCodes.Status200OK)
        where TRequest : notnull =>
        builder.Accepts<TRequest>(Json).Own<TResponse>(tag, summary, status);

    /// <summary>One of Latchkey's own endpoints without a request body.</summary>
    public static RouteHandlerBuilder Own<TResponse>(this RouteHandlerBuilder builder, string tag, string summary, int status = StatusCodes.Status200OK) =>
        builder.Produces<TResponse>(status, Json).Own(tag, summary);

    /// <summary>One of Latchkey's own endpoints whose shapes are in its handler's signature.</summary>
    public static RouteHandlerBuilder Own(this RouteHandlerBuilder builder, string tag, string summary) =>
        builder.WithTags(tag).WithSummary(summary)
            .WithMetadata(ErrorShape.Problems)
            .AddEndpointFilterFactory(BoundRequests.Filter)
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
