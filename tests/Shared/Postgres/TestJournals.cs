using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// The journals of one test's processes, by name: SQLite files <c>&lt;name&gt;.db</c> in a folder, or one fresh
/// PostgreSQL database per name (<see cref="PostgresDatabase"/>: skipped without a server, failed in CI). A recovery
/// test that takes the kind as a theory parameter proves the same thing on both stores. Not thread-safe.
/// </summary>
internal sealed class TestJournals(string kind, string folder) : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    private readonly Dictionary<string, PostgresDatabase> databases = new(StringComparer.Ordinal);

    public string Kind { get; } = kind is Sqlite or Postgres ? kind : throw new ArgumentException($"unknown journal kind {kind}", nameof(kind));

    /// <summary>What a process takes as its journal: a SQLite file path or a PostgreSQL connection string.</summary>
    public async Task<string> GetAsync(string name)
    {
        if (Kind == Sqlite)
        {
            return Path.Combine(folder, name + ".db");
        }
        if (!databases.TryGetValue(name, out var database))
        {
            database = await PostgresDatabase.CreateAsync();
            databases[name] = database;
        }
        return database.ConnectionString;
    }

    /// <summary>The PostgreSQL database behind a journal name (after <see cref="GetAsync"/>), for fault injection.</summary>
    public PostgresDatabase Database(string name) => Kind == Postgres ? databases[name] : throw new InvalidOperationException($"journal {name} is not on PostgreSQL");

    /// <summary>An open connection to the journal's store, to look at its tables (<c>journal</c>, <c>snapshot</c>).</summary>
    public async Task<DbConnection> OpenAsync(string name)
    {
        var journal = await GetAsync(name);
        DbConnection connection = Kind == Sqlite ? new SqliteConnection($"Data Source={journal}") : databases[name].Connect();
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>The first column of every row of a query on the journal's store.</summary>
    public async Task<List<object>> QueryAsync(string name, string sql)
    {
        await using var connection = await OpenAsync(name);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        var rows = new List<object>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetValue(0));
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in databases.Values)
        {
            await database.DisposeAsync();
        }
        databases.Clear();
    }
}
