using Microsoft.Data.Sqlite;
using Orchestrator.Node.Hosting;
using Orchestrator.Tests.Shared;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>
/// The node as a real process refuses to start on a journal it cannot trust, with one line and exit code 1, instead
/// of crashing on a SQLite error or starting from books that miss buffers: a truncated file, another host's journal.
/// </summary>
public sealed class JournalCheckTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>A journal of storage-01 with some buffers, every page in the main file.</summary>
    private async Task<string> Journal()
    {
        var journal = temp.Combine("node.db");
        await using (var node = await RunningNode.StartAsync(new NodeOptions { Topology = SampleTopology, Journal = journal }))
        {
            for (var i = 0; i < 200; i++)
            {
                await node.Allocate(ProviderA, $"b{i}", 64 << 10);
            }
        }
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={journal}");
        connection.Open();
        using var checkpoint = connection.CreateCommand();
        checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        checkpoint.ExecuteNonQuery();
        return journal;
    }

    [Fact]
    public async Task A_truncated_journal_stops_the_start_with_one_line()
    {
        var journal = await Journal();
        SqliteConnection.ClearAllPools();
        await using (var file = new FileStream(journal, FileMode.Open))
        {
            file.SetLength(file.Length / 2);
        }
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, "--journal", journal, "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Lines, l => l.Contains("fails SQLite's integrity check", StringComparison.Ordinal) && l.Contains(journal, StringComparison.Ordinal));
        Assert.DoesNotContain("Unhandled exception", run.Stderr + string.Join('\n', run.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_hosts_journal_stops_the_start_with_one_line()
    {
        var journal = await Journal();
        var otherHost = Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", "storage-02.yaml");
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", otherHost, "--journal", journal, "--port", "0");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(run.Lines, l => l.Contains("holds the books of host storage-01, not of storage-02", StringComparison.Ordinal));
    }
}
