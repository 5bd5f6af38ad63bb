using Npgsql;

namespace Latchkey.Storage.PostgreSql.Tests;

/// <summary>The fail-fast defaults are added where the operator's connection string sets nothing, and only there.</summary>
public sealed class ConnectionDefaultsTests
{
    [Theory]
    [InlineData("Host=db", 3, 15)]
    [InlineData("Host=db;Timeout=10", 10, 15)]
    [InlineData("Host=db;Command Timeout=30", 3, 30)]
    [InlineData("Host=db;CommandTimeout=30", 3, 30)]
    // Regression: any key containing "Timeout" used to count as a connect timeout, so these fell back to Npgsql's 15 s.
    [InlineData("Host=db;Cancellation Timeout=-1", 3, 15)]
    [InlineData("Host=db;Timeout=5;Command Timeout=20", 5, 20)]
    public void Connect_and_command_timeouts_default_only_when_unset(string connectionString, int connect, int command)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgreSqlStorage.WithDefaults(connectionString));

        Assert.Equal(connect, result.Timeout);
        Assert.Equal(command, result.CommandTimeout);
        Assert.Equal("latchkey", result.ApplicationName);
    }

    [Theory]
    [InlineData("Host=db", true)]
    [InlineData("Host=db;No Reset On Close=false", false)]
    [InlineData("Host=db;NoResetOnClose=false", false)]
    public void Connections_are_not_reset_on_return_unless_the_string_asks(string connectionString, bool noReset)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgreSqlStorage.WithDefaults(connectionString));

        Assert.Equal(noReset, result.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=db", 20)]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=5", 5)]
    public void Frequent_statements_are_prepared_unless_the_string_says_otherwise(string connectionString, int maxAutoPrepare)
    {
        var result = new NpgsqlConnectionStringBuilder(PostgreSqlStorage.WithDefaults(connectionString));

        Assert.Equal(maxAutoPrepare, result.MaxAutoPrepare);
    }
}
