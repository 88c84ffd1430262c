using Microsoft.Data.Sqlite;

namespace Orchestrator.Hosting;

/// <summary>A journal this process must not start on; the message says what is wrong and what to do.</summary>
public sealed class JournalDamagedException(string message) : Exception(message);

/// <summary>
/// Checks a SQLite journal before any actor reads it: a damaged file would otherwise crash the process with an
/// unhandled SQLite error, or (read as far as it goes) start from books that miss buffers still in use.
/// </summary>
public static class JournalCheck
{
    /// <summary>
    /// Runs SQLite's <c>quick_check</c> on an existing, non-empty file, and, for a node (<paramref name="host"/> set),
    /// refuses a journal that holds another host's books and none of this one's (a mixed-up volume or path).
    /// </summary>
    public static void Sqlite(string path, string? host)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            return;
        }
        List<string> owners;
        try
        {
            using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            var problems = Query(connection, "PRAGMA quick_check;").Where(r => r != "ok").ToList();
            if (problems.Count > 0)
            {
                throw Damaged(path, string.Join("; ", problems.Take(3)));
            }
            owners = host is null || Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'journal'").Count == 0 ? []
                : Query(connection, "SELECT DISTINCT persistence_id FROM journal WHERE persistence_id LIKE 'pool/%' OR persistence_id LIKE 'identity/%'");
        }
        catch (SqliteException e)
        {
            throw Damaged(path, e.Message);
        }
        var hosts = owners.Select(id => id.Split('/')[1]).Distinct(StringComparer.Ordinal).ToList();
        if (host is not null && hosts.Count > 0 && !hosts.Contains(host, StringComparer.Ordinal))
        {
            throw new JournalDamagedException($"journal {path} holds the books of host {string.Join(", ", hosts)}, not of {host}: "
                + "point this node at its own journal (--journal), or give it the host name the journal belongs to (--host)");
        }
    }

    private static JournalDamagedException Damaged(string path, string detail)
        => new($"journal {path} fails SQLite's integrity check ({detail}): restore it from a backup; do not start on it or replace it with an "
            + "empty one while placements live on this host (the controller refuses a node whose books were replaced)");

    private static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetValue(0).ToString() ?? string.Empty);
        }
        return rows;
    }
}
