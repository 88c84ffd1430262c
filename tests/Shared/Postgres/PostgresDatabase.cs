using System.Diagnostics.CodeAnalysis;
using Npgsql;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// A fresh, uniquely named database on the PostgreSQL server that <c>ORCHESTRATOR_TEST_POSTGRES</c> names (a connection
/// string whose role may create databases; <c>.ci/run</c> starts such a server and sets it), dropped at dispose.
/// Without a usable server the test is skipped with the reason, unless <c>CI</c> is set: CI never skips, it fails.
/// Tests that use it are <c>[SkippableFact]</c>/<c>[SkippableTheory]</c> (Xunit.SkippableFact).
/// </summary>
internal sealed class PostgresDatabase : IAsyncDisposable
{
    public const string Variable = "ORCHESTRATOR_TEST_POSTGRES";

    private readonly string server;

    private PostgresDatabase(string server, string name)
    {
        this.server = server;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>The database's name (<c>orch_test_…</c>).</summary>
    public string Name { get; }

    /// <summary>A connection string to it, starting with <c>Host=</c> (what the processes take as a PostgreSQL journal).</summary>
    public string ConnectionString { get; }

    /// <summary>Whether we run in CI (<c>CI</c> set and not <c>false</c>/<c>0</c>), where PostgreSQL tests must run.</summary>
    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci
        && !ci.Equals("false", StringComparison.OrdinalIgnoreCase) && ci != "0";

    public static async Task<PostgresDatabase> CreateAsync()
    {
        var server = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Unavailable($"{Variable} is not set (a connection string such as Host=127.0.0.1;Port=5432;Username=…;Password=…;Database=… whose role has CREATEDB; `bash .ci/run` starts a server and sets it)");
        }
        var name = "orch_test_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await ExecuteAsync(server, $"CREATE DATABASE \"{name}\"");
        }
        catch (Exception e) when (e is NpgsqlException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            Unavailable($"the PostgreSQL server {Variable} names cannot be used: {e.GetType().Name}: {e.Message}");
        }
        return new PostgresDatabase(server, name);
    }

    public NpgsqlConnection Connect() => new(ConnectionString);

    /// <summary>
    /// A journal outage for this database only, on a server other tests share: new connections are refused and the
    /// open ones (the journal's pool) are terminated, as the server going away would do to them.
    /// </summary>
    public async Task RefuseConnectionsAsync()
    {
        await ExecuteAsync(server, $"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS false");
        await ExecuteAsync(server, $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{Name}' AND pid <> pg_backend_pid()");
    }

    /// <summary>The end of <see cref="RefuseConnectionsAsync"/>'s outage.</summary>
    public Task AcceptConnectionsAsync() => ExecuteAsync(server, $"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS true");

    public async ValueTask DisposeAsync()
    {
        await using (var connection = Connect())
        {
            NpgsqlConnection.ClearPool(connection);
        }
        try
        {
            // FORCE: the journal's pooled connections of stopped systems may still be open.
            await ExecuteAsync(server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
        }
        catch (NpgsqlException)
        {
            // A leftover test database is harmless (CI throws its server away).
        }
    }

    private static async Task ExecuteAsync(string server, string sql)
    {
        var admin = new NpgsqlConnectionStringBuilder(server) { Pooling = false, Timeout = 10 };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [DoesNotReturn]
    private static void Unavailable(string reason)
    {
        if (InCi)
        {
            throw new InvalidOperationException($"PostgreSQL tests must not be skipped in CI: {reason}");
        }
        throw new SkipException($"skipped, no PostgreSQL server: {reason}");
    }
}
