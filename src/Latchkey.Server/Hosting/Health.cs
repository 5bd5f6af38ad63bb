using System.Text.Json.Serialization;
using Latchkey.Server.Wire;
using Latchkey.Storage;
using Microsoft.EntityFrameworkCore;

namespace Latchkey.Server.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers (restart it when this fails). <c>/health/ready</c>: it can serve
/// requests, which needs the database; a load balancer takes a node out while this answers 503 and back in when it
/// answers 200 again, with nothing to restart (pooled connections are re-opened on demand).
/// </summary>
public static class Health
{
    /// <summary>How long readiness waits for the database before it calls it unreachable.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static void MapHealth(this WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Ok(new HealthStatus("live", null)))
            .WithTags(ApiDocs.Health).WithSummary("The process is up").Produces<HealthStatus>();
        app.MapGet("/health/ready", async (LatchkeyDbContext db, CancellationToken cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            try
            {
                await db.Database.ExecuteSqlRawAsync("SELECT 1", timeout.Token);
                return Results.Ok(new HealthStatus("ready", "up"));
            }
            catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or OperationCanceledException or InvalidOperationException)
            {
                // No reason in the body: it could name hosts. The node's log has it (event 5001 on requests).
                return Results.Json(new HealthStatus("unavailable", "unreachable"), statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).WithTags(ApiDocs.Health).WithSummary("The node can serve: its database answers within the probe timeout")
            .Produces<HealthStatus>().Produces<HealthStatus>(StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>The body of both probes; <c>database</c> only on readiness.</summary>
public sealed record HealthStatus(string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Database);
