using Microsoft.Data.Sqlite;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// A write fault for one persistent actor in a live SQLite journal: a trigger aborts every insert of its events with
/// <see cref="Reason"/>, as a disk would refuse that actor's writes, while reads and every other actor's writes go on.
/// The journal's real write path fails (a <see cref="SqliteException"/> from the insert); nothing in the process is faked.
/// Dispose (or <see cref="Remove"/>) ends it.
/// </summary>
internal sealed class SqliteWriteFault : IDisposable
{
    public const string Reason = "injected write fault";

    private readonly string journal;
    private readonly string trigger = "fault_" + Guid.NewGuid().ToString("N")[..8];

    private SqliteWriteFault(string journal)
    {
        this.journal = journal;
    }

    /// <summary>From now on, inserts of <paramref name="persistenceId"/>'s events into <paramref name="journal"/> (a file path) fail.</summary>
    public static SqliteWriteFault Inject(string journal, string persistenceId)
    {
        var fault = new SqliteWriteFault(journal);
        fault.Execute($"CREATE TRIGGER {fault.trigger} BEFORE INSERT ON journal WHEN NEW.persistence_id = '{persistenceId.Replace("'", "''", StringComparison.Ordinal)}' "
            + $"BEGIN SELECT RAISE(ABORT, '{Reason}'); END;");
        return fault;
    }

    public void Remove() => Execute($"DROP TRIGGER IF EXISTS {trigger};");

    public void Dispose() => Remove();

    private void Execute(string sql)
    {
        // Pooling off: the test's connection must not keep the file open after the fault is gone.
        using var connection = new SqliteConnection($"Data Source={journal};Pooling=False;Default Timeout=30");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
