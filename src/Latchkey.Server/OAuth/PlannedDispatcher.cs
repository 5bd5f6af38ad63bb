using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.OAuth;

/// <summary>
/// OpenIddict's event dispatcher, with each event's handler list worked out once (ADR 0024). OpenIddict's own walks
/// every registered handler (about 400) at every event, about forty events per token request, and resolves each
/// matching handler from the container again: a fifth of an anonymous token's CPU in the profile
/// (docs/benchmarks.md). This one keeps, per options instance and event type, the descriptors of that event in
/// OpenIddict's order, and the singleton handlers themselves. Everything else is as OpenIddict does it: the same
/// handlers in the same order, every filter asked at every dispatch, scoped handlers from the request's scope, and
/// the same stops (request handled, skipped, rejected).
/// </summary>
public sealed class PlannedDispatcher(IOptionsMonitor<OpenIddictServerOptions> options, IServiceProvider provider)
    : IOpenIddictServerDispatcher
{
    /// <summary>Options are rebuilt when the signing keys change: a new handler list gets its own plans.</summary>
    private static readonly ConditionalWeakTable<List<OpenIddictServerHandlerDescriptor>, ConcurrentDictionary<Type, Step[]>> Plans = new();

    public async ValueTask DispatchAsync<TContext>(TContext context) where TContext : BaseContext
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var step in PlanFor<TContext>())
        {
            // Most handlers have no filter: no await for them.
            if (step.Descriptor.FilterTypes.Length > 0 && !await IsActiveAsync(step.Descriptor, context))
            {
                continue;
            }

            var handler = (IOpenIddictServerHandler<TContext>)(step.Singleton ?? Resolve(step.Descriptor));
            await handler.HandleAsync(context);

            if (context is BaseRequestContext { IsRequestHandled: true } or BaseRequestContext { IsRequestSkipped: true } or
                BaseValidatingContext { IsRejected: true })
            {
                return;
            }
        }
    }

    private Step[] PlanFor<TContext>() where TContext : BaseContext
    {
        var handlers = options.CurrentValue.Handlers;
        return Plans.GetValue(handlers, static _ => new()).GetOrAdd(typeof(TContext), static (_, state) =>
        [
            // OpenIddict sorts the list when it builds the options; filtering keeps that order.
            .. state.Handlers.Where(d => d.ContextType == typeof(TContext))
                .Select(d => new Step(d, d.ServiceDescriptor switch
                {
                    { ImplementationInstance: { } instance } => instance,
                    { Lifetime: ServiceLifetime.Singleton } => state.Dispatcher.Resolve(d),
                    _ => null,
                })),
        ], (Handlers: handlers, Dispatcher: this));
    }

    private object Resolve(OpenIddictServerHandlerDescriptor descriptor) =>
        provider.GetService(descriptor.ServiceDescriptor.ServiceType) ??
        throw new InvalidOperationException($"The OpenIddict handler {descriptor.ServiceDescriptor.ServiceType} is not registered.");

    private async ValueTask<bool> IsActiveAsync<TContext>(OpenIddictServerHandlerDescriptor descriptor, TContext context) where TContext : BaseContext
    {
        foreach (var type in descriptor.FilterTypes)
        {
            if (provider.GetService(type) is not IOpenIddictServerHandlerFilter<TContext> filter)
            {
                throw new InvalidOperationException($"The OpenIddict filter {type} is not registered.");
            }

            if (!await filter.IsActiveAsync(context))
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Step(OpenIddictServerHandlerDescriptor Descriptor, object? Singleton);
}
