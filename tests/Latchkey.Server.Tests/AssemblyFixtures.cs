// One migrated PostgreSQL template for the whole run, copied per test (LatchkeyApp.OnPostgreSqlAsync).
[assembly: AssemblyFixture(typeof(Latchkey.Testing.MigratedPostgres))]
