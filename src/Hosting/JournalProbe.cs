using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orchestrator.Hosting;

/// <summary>Checks that the journal's database answers a trivial query, for readiness: Akka only finds out at the next write.</summary>
public static class JournalProbe
{
    /// <summary>Null when the database answered, otherwise what went wrong (never the connection string: it may hold a password).</summary>
    public static async Task<string?> CheckAsync(string? journal, string defaultSqlitePath, TimeSpan timeout, CancellationToken cancellation)
    {
        var (connectionString, provider) = ProcessAkka.Journal(journal, defaultSqlitePath);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await using DbConnection connection = provider == LinqToDB.ProviderName.SQLiteMS
                ? new SqliteConnection(connectionString + ";Mode=ReadWrite")
                : new NpgsqlConnection(connectionString);
            await connection.OpenAsync(timeoutSource.Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(timeoutSource.Token);
            return null;
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return $"no answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (DbException e)
        {
            return e.Message;
        }
    }
}
