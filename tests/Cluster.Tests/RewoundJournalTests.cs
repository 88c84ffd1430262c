using Microsoft.Data.Sqlite;
using Orchestrator.Protocol.Controller;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A node back on a SQLite journal that lost its <c>-wal</c> file (issue 11, observation 6): the journal is whole and
/// consistent, of the same node, and older. The buffers committed after the last checkpoint are missing from it, while
/// NVMe-oF targets may still use them: the pool is shown unavailable with the reason, nothing on it is marked lost,
/// freed or placed, and the other pools go on.
/// </summary>
public sealed class RewoundJournalTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const string Provider = "0000:04:00.0";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task A_node_journal_without_its_wal_file_leaves_the_pool_unavailable_and_loses_nothing()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var journal = await cluster.Journals.GetAsync(HostA);
        var pinned = new PlacementPolicy(Provider: Provider);

        var early = Placed(await cluster.Ask(new PlaceBuffer("early", HostA, ["0000:03:00.0"], 16 * MiB, Policy: pinned)));
        SqliteFiles.Checkpoint(journal);
        var backup = cluster.Scratch("node-without-wal.db");
        File.Copy(journal, backup);  // the main file alone: what the checkpoint wrote, not what the WAL holds since
        var late = Placed(await cluster.Ask(new PlaceBuffer("late", HostA, ["0000:03:00.0"], 16 * MiB, Policy: pinned)));

        await cluster.StopNodeAsync(HostA);
        SqliteConnection.ClearAllPools();
        File.Copy(backup, journal, overwrite: true);
        File.Delete(journal + "-wal");
        File.Delete(journal + "-shm");
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        Assert.DoesNotContain("late", (await cluster.HeldOn(HostA)).Keys);  // the node really lost it: the test is the case it claims

        await Task.Delay(TimeSpan.FromSeconds(3));  // several registrations and loss verifications
        foreach (var p in new[] { early, late })
        {
            var now = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(p.PlacementId))).Placement;
            Assert.Equal((PlacementState.Committed, p.Offset), (now.State, now.Offset));
        }
        var shown = (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().Pools.Single(p => p.Provider == Provider);
        output.WriteLine(shown.Unavailable ?? "(available)");
        Assert.Contains("went back in time", shown.Unavailable, StringComparison.Ordinal);
        Assert.Contains("late", shown.Unavailable, StringComparison.Ordinal);

        var onIt = Assert.IsType<PlacementRejected>(await cluster.Ask(new PlaceBuffer("on-it", HostA, ["0000:03:00.0"], 16 * MiB, Policy: pinned)));
        Assert.Equal(PlacementErrorKind.Unavailable, onIt.Kind);
        var elsewhere = Placed(await cluster.Ask(new PlaceBuffer("elsewhere", HostA, ["0000:03:00.0"], 16 * MiB)));
        Assert.NotEqual(Provider, elsewhere.Provider);
    }

    private static PlacementView Placed(object reply) => Assert.IsType<PlacementAccepted>(reply).Placement;
}
