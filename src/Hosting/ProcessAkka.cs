using Akka.Hosting;
using Akka.Logger.Serilog;
using Akka.Persistence.Sql.Hosting;
using Akka.Remote.Hosting;
using LinqToDB;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Hosting;

/// <summary>What every orchestrator process sets up the same way: the parts of the ActorSystem a node and a controller share.</summary>
public static class ProcessAkka
{
    public const string SystemName = "orchestrator";

    /// <summary>The address scheme of members: <c>akka.ssl.tcp</c> when remoting is TLS, else <c>akka.tcp</c>.</summary>
    public static string Scheme(RemotingSecurity? security) => security is { Enabled: true } ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>
    /// Remoting (with the frame limits of <see cref="RemotingLimits"/>), Akka logging through Serilog, Akka.Persistence.Sql
    /// (SQLite file by default, PostgreSQL when the journal is a connection string), our serializer bound to every
    /// <see cref="IProtocolMessage"/> with strict serialization, and any extra HOCON (tests tune timings with it).
    /// <paramref name="publicHostname"/> is the name other members reach this one by when it differs from the bind
    /// address (a container binds 0.0.0.0 and advertises its service name); null: the bind address.
    /// </summary>
    /// <remarks>A SQLite journal is checked first (<see cref="JournalCheck"/>); <paramref name="journalOwner"/>: the host whose books it must hold (a node), or null.</remarks>
    /// <remarks><paramref name="security"/>: TLS for remoting (<see cref="RemotingSecurity"/>; null or not enabled: plain, checked to be loopback by the options' validation).</remarks>
    public static AkkaConfigurationBuilder WithOrchestratorDefaults(this AkkaConfigurationBuilder akka, string bind, int port, string? journal, string defaultSqlitePath, string? extraHocon,
        string? publicHostname = null, string? journalOwner = null, RemotingSecurity? security = null)
    {
        if (extraHocon is not null)
        {
            akka.AddHocon(extraHocon, HoconAddMode.Prepend);
        }
        akka.AddHocon(RemotingLimits.Hocon, HoconAddMode.Prepend);
        // Appended: a test's extra HOCON may set a smaller cap.
        akka.AddHocon(ConnectionCapProvider.Hocon(
            security?.MaxUnauthenticatedConnections ?? RemotingSecurity.DefaultUnauthenticatedConnections,
            security?.MaxUnauthenticatedConnectionsPerAddress ?? RemotingSecurity.DefaultUnauthenticatedConnectionsPerAddress), HoconAddMode.Append);
        akka.ConfigureLoggers(loggers =>
        {
            loggers.ClearLoggers();
            loggers.AddLogger<SerilogLogger>();
        });
        var remote = new RemoteOptions { HostName = bind, Port = port, PublicHostName = string.IsNullOrWhiteSpace(publicHostname) ? null : publicHostname };
        if (security is { Enabled: true })
        {
            remote.EnableSsl = true;
            remote.Ssl = new SslOptions
            {
                X509Certificate = security.LoadCertificate(),
                RequireMutualAuthentication = true,
                ValidateCertificateHostname = false,
                CustomValidator = ClusterAuthority.Validator(security.LoadAuthority()),
            };
        }
        akka.WithRemoting(remote);
        var (connection, provider) = Journal(journal, defaultSqlitePath);
        if (provider == ProviderName.SQLiteMS)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connection).DataSource;
            Startup.JournalLock.Take(file);
            JournalCheck.Sqlite(file, journalOwner);
            UseWriteAheadLog(connection);
            // SQLite has one writer at a time: concurrent journal writers only queue on its lock (P6 measured 109 → 154/s).
            akka.AddHocon("akka.persistence.journal.sql.parallelism = 1", HoconAddMode.Prepend);
        }
        // Akka lets 50 persistent actors recover at a time: 1,000 simulated hosts (2,334 pools and 1,000 identities)
        // took 32 s to be all Up, 17 s with 1,000; a recovery waiting for its slot is only a pending query.
        akka.AddHocon("akka.persistence.max-concurrent-recoveries = 1000", HoconAddMode.Prepend);
        // After a database outage the journal's circuit breaker stays open for its reset timeout (30 s by default), and
        // each failed half-open try opens it again: service came back about a minute after the database. 5 s bounds that.
        akka.AddHocon("""
            akka.persistence.journal.sql.circuit-breaker.reset-timeout = 5s
            akka.persistence.snapshot-store.sql.circuit-breaker.reset-timeout = 5s
            """, HoconAddMode.Prepend);
        var data = provider == ProviderName.SQLiteMS
            ? new DataOptions().UseConnectionString(provider, connection).UseAfterConnectionOpened(WaitWhileLocked, WaitWhileLockedAsync)
            : null;
        akka.WithSqlPersistence(
            journal =>
            {
                journal.ConnectionString = connection;
                journal.ProviderName = provider;
                journal.AutoInitialize = true;
                journal.DataOptions = data;
            },
            snapshot =>
            {
                snapshot.ConnectionString = connection;
                snapshot.ProviderName = provider;
                snapshot.AutoInitialize = true;
                snapshot.DataOptions = data;
            });
        akka.WithCustomSerializer("protocol", [typeof(IProtocolMessage)], system => new ProtocolSerializer(system));
        akka.WithStrictSerialization(true);
        return akka;
    }

    /// <summary>
    /// Switches a SQLite journal to write-ahead logging (it stays set in the file): a commit then costs one append
    /// instead of a rollback-journal round trip, about 2 ms instead of 7.6 ms on our machines, and readers (readiness,
    /// recovery queries) do not block the writer.
    /// </summary>
    public static void UseWriteAheadLog(string sqliteConnectionString)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(sqliteConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Lets SQLite wait for its write lock itself (up to 10 s, retrying within milliseconds): without a busy timeout it
    /// answers "busy" at once and Microsoft.Data.Sqlite sleeps 150 ms before each retry, so a journal write that met the
    /// snapshot store's or a reader's transaction (Microsoft.Data.Sqlite begins them IMMEDIATE, taking the write lock)
    /// waited 150 ms: the P6 p99 of about 200 ms.
    /// </summary>
    private static void WaitWhileLocked(System.Data.Common.DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = BusyTimeout;
        command.ExecuteNonQuery();
    }

    private static async Task WaitWhileLockedAsync(System.Data.Common.DbConnection connection, CancellationToken cancel)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = BusyTimeout;
        await command.ExecuteNonQueryAsync(cancel);
    }

    private const string BusyTimeout = "PRAGMA busy_timeout = 10000;";

    /// <summary>Where a journal is, for an operator's eyes: the SQLite file, or the PostgreSQL server and database (never the password).</summary>
    public static string DescribeJournal(string? journal, string defaultSqlitePath)
    {
        if (journal is not null && journal.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            var parts = new Npgsql.NpgsqlConnectionStringBuilder(journal);
            return $"PostgreSQL {parts.Host}:{parts.Port}/{parts.Database}";
        }
        return $"SQLite {Path.GetFullPath(journal ?? defaultSqlitePath)}";
    }

    /// <summary>A PostgreSQL connection string (<c>Host=…</c>) as given, or a SQLite file (created with its folder).</summary>
    public static (string ConnectionString, string Provider) Journal(string? journal, string defaultSqlitePath)
    {
        if (journal is not null && journal.Contains("Host=", StringComparison.OrdinalIgnoreCase))
        {
            return (journal, ProviderName.PostgreSQL15);
        }
        var full = Path.GetFullPath(journal ?? defaultSqlitePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return ($"Data Source={full}", ProviderName.SQLiteMS);
    }
}
