using Latchkey.Testing;

namespace Latchkey.Server.Tests.Import;

/// <summary>The import scenario on PostgreSQL: the same bulk insert, checkpoint and first-login rehash.</summary>
public class MemberImportPostgreSqlTests(MigratedPostgres databases)
{
    [Fact]
    public async Task A_20000_row_import_survives_an_interruption_and_every_format_logs_in_on_PostgreSQL()
    {
        using var app = await LatchkeyApp.OnPostgreSqlAsync(databases, MemberImportTests.WithoutCaptcha());
        await MemberImportTests.ImportScenarioAsync(app, 20_000, cancelAfter: 8_000);
    }
}
