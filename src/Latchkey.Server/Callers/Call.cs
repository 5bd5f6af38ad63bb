using System.Reflection;
using Latchkey.Core.AbuseProtection;
using Latchkey.Core.Clients;
using Latchkey.Core.Errors;
using Latchkey.Core.Sites;
using Latchkey.Server.AbuseProtection;
using Latchkey.Server.Wire;
using Microsoft.AspNetCore.Http.Metadata;

namespace Latchkey.Server.Callers;

/// <summary>Which callers an endpoint serves, as endpoint metadata (<see cref="CallEndpoints.RequireCaller"/>).</summary>
public enum CallerKind
{
    /// <summary>A visitor or member access token of the site, or one of its API keys.</summary>
    Any,

    /// <summary>An API key of the site (a trusted backend).</summary>
    ApiKey,

    /// <summary>An API key with the admin permission.</summary>
    Admin,

    /// <summary>An API key with the sign-on permission.</summary>
    SignOn,

    /// <summary>A member access token with a live session.</summary>
    Member,
}

/// <summary>The caller an endpoint requires, and what to tell one who is not it.</summary>
public sealed record CallerRequirement(CallerKind Kind, string? Detail = null);

public static class CallEndpoints
{
    /// <summary>Only <paramref name="kind"/> may call (on an endpoint or a whole group); others get the catalog error.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder, CallerKind kind, string? detail = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new CallerRequirement(kind, detail));
}

/// <summary>
/// Who is calling, checked against the endpoint's <see cref="CallerRequirement"/>. Bound before the handler runs; a
/// failure is answered by <see cref="BoundRequests.Filter"/>, so a handler only sees a caller it may serve.
/// </summary>
public abstract class CallBase : IBoundRequest
{
    private readonly Caller? _caller;

    protected CallBase(HttpRequest request, Caller? caller, LatchkeyError? failure)
    {
        Request = request;
        _caller = caller;
        Failure = failure;
    }

    public HttpRequest Request { get; }

    public LatchkeyError? Failure { get; }

    public Caller Caller => _caller ?? throw new InvalidOperationException("A call that failed to bind never reaches its handler.");

    public Site Site => Caller.Site;

    /// <summary>The member of a <see cref="CallerKind.Member"/> call.</summary>
    public Guid MemberId => Caller.MemberId ?? throw new InvalidOperationException("Not a member call.");

    /// <summary>What the abuse guard counts for this request (docs/abuse-protection.md#the-guard).</summary>
    public GuardedRequest Guarded(GuardedAction action, string? email = null, System.Text.Json.JsonElement? captchaTokens = null) =>
        GuardedRequests.For(Request, Site, action, email, captchaTokens);

    protected static async Task<Result<Caller>> ResolveAsync(HttpContext context)
    {
        var caller = await context.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(context.Request, context.RequestAborted);
        if (caller.IsFailure)
        {
            return caller;
        }

        var requirement = context.GetEndpoint()?.Metadata.GetMetadata<CallerRequirement>() ?? new CallerRequirement(CallerKind.Any);
        return requirement.Kind switch
        {
            CallerKind.ApiKey when caller.Value.ApiKey is null =>
                LatchkeyErrors.PermissionDenied.WithDetail(requirement.Detail ?? "This call needs an API key."),
            CallerKind.Admin when caller.Value.ApiKey is not { } key || !key.Permissions.HasFlag(ApiKeyPermissions.Admin) =>
                LatchkeyErrors.PermissionDenied.WithDetail(requirement.Detail ?? "This call needs an API key with the admin permission."),
            CallerKind.SignOn when !caller.Value.CanSignOn =>
                LatchkeyErrors.PermissionDenied.WithDetail(requirement.Detail ?? "This call needs an API key with the sign-on permission."),
            CallerKind.Member when caller.Value.MemberId is null =>
                LatchkeyErrors.MemberTokenRequired.WithDetail(requirement.Detail ?? "This call needs a member access token."),
            _ => caller,
        };
    }
}

/// <summary>A request without a body.</summary>
public sealed class Call : CallBase
{
    private Call(HttpRequest request, Caller? caller, LatchkeyError? failure)
        : base(request, caller, failure)
    {
    }

    public static async ValueTask<Call?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var caller = await ResolveAsync(context);
        return new Call(context.Request, caller.IsSuccess ? caller.Value : null, caller.IsFailure ? caller.Error : null);
    }
}

/// <summary>
/// A request with a JSON body of <typeparamref name="TBody"/>: the caller first (an unknown caller learns nothing about
/// the body's rules), then the body read by <see cref="RequestBody"/>. The OpenAPI request body comes from here.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find BindAsync and PopulateMetadata on the parameter's type.")]
public sealed class Call<TBody> : CallBase, IEndpointParameterMetadataProvider
    where TBody : class
{
    private readonly TBody? _body;

    private Call(HttpRequest request, Caller? caller, TBody? body, LatchkeyError? failure)
        : base(request, caller, failure) => _body = body;

    public TBody Body => _body ?? throw new InvalidOperationException("A call that failed to bind never reaches its handler.");

    public static async ValueTask<Call<TBody>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var caller = await ResolveAsync(context);
        if (caller.IsFailure)
        {
            return new Call<TBody>(context.Request, null, null, caller.Error);
        }

        var body = await RequestBody.ReadAsync<TBody>(context.Request, context.RequestAborted);
        return body.IsSuccess
            ? new Call<TBody>(context.Request, caller.Value, body.Value, null)
            : new Call<TBody>(context.Request, caller.Value, null, body.Error);
    }

    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(["application/json"], typeof(TBody)));
}
