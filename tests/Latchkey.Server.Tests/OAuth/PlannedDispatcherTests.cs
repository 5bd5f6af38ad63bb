using Latchkey.Server.OAuth;
using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Latchkey.Server.Tests.OAuth;

/// <summary>
/// The dispatcher that plans each event's handlers once (ADR 0024) runs the handlers OpenIddict's own would, in its
/// order; the protocol behaviour itself is the whole OAuth suite's, the conformance suites' and openid-client's.
/// </summary>
public sealed class PlannedDispatcherTests
{
    [Fact]
    public void OpenIddict_dispatches_through_the_planned_dispatcher()
    {
        using var app = new LatchkeyApp();
        using var scope = app.Services.CreateScope();

        Assert.IsType<PlannedDispatcher>(scope.ServiceProvider.GetRequiredService<IOpenIddictServerDispatcher>());
    }

    [Theory]
    [InlineData(false, "1,7,10")]
    [InlineData(true, "1,7")]
    public async Task An_event_runs_its_active_handlers_in_order_and_stops_at_a_rejection(bool reject, string expected)
    {
        var options = new OpenIddictServerOptions();
        options.Handlers.Clear();
        var seen = new List<int>();
        options.Handlers.Add(Handler(10, seen));
        options.Handlers.Add(Handler(5, seen, filtered: true));
        options.Handlers.Add(Handler(7, seen, reject));
        options.Handlers.Add(Handler(1, seen));
        options.Handlers.Add(OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateIntrospectionRequestContext>()
            .UseSingletonHandler(new Recording<ValidateIntrospectionRequestContext>(99, seen, false)).SetOrder(3).Build());
        options.Handlers.Sort((a, b) => a.Order.CompareTo(b.Order));
        using var services = new ServiceCollection().AddSingleton<Off>().BuildServiceProvider();
        var dispatcher = new PlannedDispatcher(new Fixed(options), services);
        var transaction = new OpenIddictServerTransaction { Options = options, Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance };

        await dispatcher.DispatchAsync(new ValidateTokenContext(transaction));

        Assert.Equal(expected, string.Join(",", seen));
    }

    private static OpenIddictServerHandlerDescriptor Handler(int order, List<int> seen, bool reject = false, bool filtered = false)
    {
        var builder = OpenIddictServerHandlerDescriptor.CreateBuilder<ValidateTokenContext>()
            .UseSingletonHandler(new Recording<ValidateTokenContext>(order, seen, reject)).SetOrder(order);
        return (filtered ? builder.AddFilter<Off>() : builder).Build();
    }

    private sealed class Recording<TContext>(int order, List<int> seen, bool reject) : IOpenIddictServerHandler<TContext>
        where TContext : BaseValidatingContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            seen.Add(order);
            if (reject)
            {
                context.Reject("invalid_token");
            }

            return default;
        }
    }

    private sealed class Off : IOpenIddictServerHandlerFilter<ValidateTokenContext>
    {
        public ValueTask<bool> IsActiveAsync(ValidateTokenContext context) => new(false);
    }

    private sealed class Fixed(OpenIddictServerOptions value) : IOptionsMonitor<OpenIddictServerOptions>
    {
        public OpenIddictServerOptions CurrentValue => value;

        public OpenIddictServerOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<OpenIddictServerOptions, string?> listener) => null;
    }
}
