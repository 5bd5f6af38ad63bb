using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>
/// How an endpoint writes a catalog error, from its metadata (<see cref="ApiDocs"/> adds it): the Wix envelope
/// (docs/wire/conventions.md#errors), with <c>applicationError</c> always present where the SDK reads it unguarded, or
/// RFC 9457 problem details on Latchkey's own endpoints. Bindings and results read it, so a handler never chooses.
/// </summary>
public sealed record ErrorShape(bool Problem, bool AlwaysApplicationError = false)
{
    public static readonly ErrorShape Wix = new(Problem: false);

    public static readonly ErrorShape Problems = new(Problem: true);

    public IResult ToResult(LatchkeyError error) =>
        Problem ? Wire.Problems.ToResult(error) : WixErrors.ToResult(error, AlwaysApplicationError);

    /// <summary>The shape of the endpoint serving <paramref name="context"/>; the Wix envelope when it declares none.</summary>
    public static ErrorShape Of(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<ErrorShape>() ?? Wix;
}
