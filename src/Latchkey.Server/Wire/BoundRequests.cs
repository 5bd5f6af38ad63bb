using Latchkey.Core.Errors;

namespace Latchkey.Server.Wire;

/// <summary>
/// A handler parameter bound from the request (the caller, the JSON body) that may have failed to bind. Binding never
/// throws and never lets the framework answer its own 400: it keeps the catalog error, and
/// <see cref="BoundRequests.Filter"/> answers it in the endpoint's <see cref="ErrorShape"/> before the handler runs.
/// </summary>
public interface IBoundRequest
{
    LatchkeyError? Failure { get; }
}

public static class BoundRequests
{
    /// <summary>
    /// The endpoint filter factory that short-circuits a failed binding. Endpoints without an
    /// <see cref="IBoundRequest"/> parameter get no filter at all.
    /// </summary>
    public static EndpointFilterDelegate Filter(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var bound = context.MethodInfo.GetParameters()
            .Select((parameter, index) => (parameter, index))
            .Where(p => typeof(IBoundRequest).IsAssignableFrom(p.parameter.ParameterType))
            .Select(p => p.index)
            .ToArray();
        if (bound.Length == 0)
        {
            return next;
        }

        return invocation =>
        {
            foreach (var index in bound)
            {
                if (invocation.Arguments[index] is IBoundRequest { Failure: { } failure })
                {
                    return ValueTask.FromResult<object?>(ErrorShape.Of(invocation.HttpContext).ToResult(failure));
                }
            }

            return next(invocation);
        };
    }
}
