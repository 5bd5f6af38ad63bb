using Latchkey.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Latchkey.Server.Tests.Observability;

/// <summary>
/// JSON log lines are one setting away (docs/observability.md). The slim host registers the simple console
/// formatter after configuration is read, which silently overrode that setting until AddLatchkey bound it again.
/// </summary>
public class ConsoleLogFormatTests
{
    [Fact]
    public void The_console_formatter_follows_configuration()
    {
        using var app = new LatchkeyApp(settings: new() { ["Logging:Console:FormatterName"] = "json" });
        using var client = app.CreateClient();

        Assert.Equal("json", app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }
}
