using Microsoft.Data.Sqlite;

namespace Orchestrator.Cluster.Tests;

/// <summary>What a test does to a SQLite journal file from outside the process that writes it.</summary>
internal static class SqliteFiles
{
    /// <summary>Moves everything the WAL holds into the main file, as SQLite does by itself every 1,000 pages.</summary>
    public static void Checkpoint(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }
}
