using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Latchkey.Storage.Contract;

/// <summary>
/// Keeps the text and parameters of every query EF runs, so that a test can ask the database how it plans exactly
/// the SQL a store sends (the query-plan tests of the Members API's email prefix search).
/// </summary>
public sealed class CommandRecorder : DbCommandInterceptor
{
    private readonly List<RecordedCommand> _commands = [];

    public IReadOnlyList<RecordedCommand> Commands
    {
        get
        {
            lock (_commands)
            {
                return [.. _commands];
            }
        }
    }

    public void Clear()
    {
        lock (_commands)
        {
            _commands.Clear();
        }
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        lock (_commands)
        {
            _commands.Add(new RecordedCommand(command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, p.Value))]));
        }

        return ValueTask.FromResult(result);
    }
}

/// <summary>A query as it was sent: its SQL and its parameters by name.</summary>
public sealed record RecordedCommand(string Sql, IReadOnlyList<(string Name, object? Value)> Parameters);
