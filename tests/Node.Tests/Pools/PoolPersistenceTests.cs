using Orchestrator.Node.Hosting;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Pools;

/// <summary>
/// Allocations survive the ActorSystem: a new system on the same journal (a SQLite file, or a PostgreSQL database) has
/// every buffer at the same offset.
/// </summary>
public sealed class PoolPersistenceTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static NodeOptions Options(string journal, int snapshotEvery = 1000) => new()
    {
        Topology = SampleTopology,
        Journal = journal,
        SnapshotEvery = snapshotEvery,
    };

    private static IEnumerable<(string Provider, AllocationRecord Record)> Held(HostSnapshot s)
        => s.Pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, a))).OrderBy(x => x.Provider).ThenBy(x => x.a.Offset);

    [SkippableTheory]
    [InlineData(TestJournals.Sqlite)]
    [InlineData(TestJournals.Postgres)]
    public async Task Every_allocation_is_back_at_the_same_offset_after_a_restart_and_new_ones_never_overlap(string journalKind)
    {
        await using var journals = new TestJournals(journalKind, temp.Path);
        var journal = await journals.GetAsync("node");
        HostSnapshot before;
        await using (var node = await RunningNode.StartAsync(Options(journal)))
        {
            await node.Allocate(ProviderA, "a1", 1 << 20);
            await node.Allocate(ProviderA, "a2", 5000, alignment: 64 << 10);
            await node.Allocate(ProviderA, "a3", 3 << 20, strategy: FitStrategy.BestFit);
            await node.Allocate(ProviderB, "b1", 8 << 20);
            await node.Allocate(ProviderC, "c1", 4096);
            Assert.True(Assert.IsType<BufferReleased>(await node.Ask(new FreeBuffer(ProviderA, "a1"))).WasHeld);
            before = await node.Snapshot();
        }

        // Journaled with our serializer under stable manifests, never Akka's default one.
        var rows = await journals.QueryAsync("node", "SELECT DISTINCT manifest || ':' || identifier FROM journal");
        Assert.Equal(["pool.buffer-allocated.v1:1701", "pool.buffer-freed.v1:1701", "pool.opened.v1:1701"], rows.Cast<string>().Order(StringComparer.Ordinal));

        await using (var node = await RunningNode.StartAsync(Options(journal)))
        {
            var after = await node.Snapshot();
            Assert.Equal(Held(before), Held(after));
            Assert.Equal(4, after.Pools.Sum(p => p.AllocationCount));
            Assert.Equal(before.Pools.Select(p => p.AvailableBytes), after.Pools.Select(p => p.AvailableBytes));

            // The same id again is the same buffer; a new one lands in free space only.
            var again = await node.Allocate(ProviderA, "a2", 5000, alignment: 64 << 10);
            Assert.True(again.AlreadyHeld);
            var fresh = await node.Allocate(ProviderA, "a4", 2 << 20);
            foreach (var (_, held) in Held(after).Where(h => h.Provider == ProviderA))
            {
                Assert.True(fresh.Offset + fresh.Length <= held.Offset || held.Offset + held.Length <= fresh.Offset,
                    $"new buffer {fresh.Offset}+{fresh.Length} overlaps recovered {held.AllocationId} {held.Offset}+{held.Length}");
            }
        }
    }

    [SkippableTheory]
    [InlineData(TestJournals.Sqlite)]
    [InlineData(TestJournals.Postgres)]
    public async Task Snapshots_and_later_events_recover_the_same_state(string journalKind)
    {
        await using var journals = new TestJournals(journalKind, temp.Path);
        var journal = await journals.GetAsync("node");
        HostSnapshot before;
        await using (var node = await RunningNode.StartAsync(Options(journal, snapshotEvery: 3)))
        {
            for (var i = 0; i < 10; i++)
            {
                await node.Allocate(ProviderB, $"b{i}", (i + 1) * 4096L);
            }
            for (var i = 0; i < 10; i += 3)
            {
                await node.Ask(new FreeBuffer(ProviderB, $"b{i}"));
            }
            before = await node.Snapshot();
        }

        var snapshots = await journals.QueryAsync("node", "SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'pool/storage-01/0000:05:00.0'");
        Assert.True(Convert.ToInt64(snapshots.Single(), System.Globalization.CultureInfo.InvariantCulture) > 0, "no snapshot was written");

        await using (var node = await RunningNode.StartAsync(Options(journal, snapshotEvery: 3)))
        {
            var after = await node.Snapshot();
            Assert.Equal(Held(before), Held(after));
            Assert.Equal(6, after.Pools.Single(p => p.Provider == ProviderB).AllocationCount);
        }
    }
}
