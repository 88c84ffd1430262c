using System.Diagnostics;
using Orchestrator.Node.Hosting;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Pools;

/// <summary>
/// A journal outage on a real PostgreSQL server (the database refuses connections and its open ones are cut, as a
/// stopped server does): the pool that fails to write is reported unavailable with the reason, the others keep
/// serving, every request meanwhile gets an answer, and when the database is back the pool recovers by itself with
/// every buffer at the same offset. No process is restarted.
/// </summary>
public sealed class PoolJournalOutageTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_pool_whose_journal_fails_is_unavailable_with_the_reason_and_comes_back_by_itself()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var node = await RunningNode.StartAsync(new NodeOptions { Topology = SampleTopology, Journal = database.ConnectionString });
        var kept = await node.Allocate(ProviderA, "kept", 1 << 20);
        await node.Allocate(ProviderB, "b-before", 1 << 20);

        await database.RefuseConnectionsAsync();
        var clock = Stopwatch.StartNew();
        // The write that meets the outage is answered (not left to time out), and says what it could not know.
        var failed = await node.Refused(new AllocateBuffer(ProviderA, "during", 1 << 20));
        Assert.Equal(RefusalReason.Unavailable, failed.Reason);
        Assert.Contains("could not journal", failed.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the refusal took {clock.Elapsed}");

        // While it restarts, the pool is refused at once with the reason, and reported as unavailable, not as empty.
        var refused = await node.Refused(new AllocateBuffer(ProviderA, "during-2", 1 << 20));
        Assert.Equal(RefusalReason.Unavailable, refused.Reason);
        Assert.Contains("unavailable", refused.Message, StringComparison.Ordinal);
        var snapshot = await node.Snapshot();
        var poolA = snapshot.Pools.Single(p => p.Provider == ProviderA);
        Assert.NotNull(poolA.Unavailable);
        Assert.Empty(poolA.Allocations);
        Assert.Equal(3, snapshot.Pools.Count);  // every pool is reported, the failed one included

        await database.AcceptConnectionsAsync();
        clock.Restart();
        BufferGranted? after = null;
        while (after is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            switch (await node.Ask(new AllocateBuffer(ProviderA, "after", 1 << 20)))
            {
                case BufferGranted granted:
                    after = granted;
                    break;
                case BufferRefused { Reason: RefusalReason.Unavailable }:
                    await Task.Delay(250);
                    break;
                case var other:
                    Assert.Fail($"unexpected answer {other}");
                    break;
            }
        }
        Assert.True(after is not null, "the pool did not come back within 60 s of the journal");
        output.WriteLine($"pool back {clock.Elapsed.TotalSeconds:0.0} s after the journal");
        var recovered = await node.Snapshot();
        var held = recovered.Pools.Single(p => p.Provider == ProviderA).Allocations.ToDictionary(a => a.AllocationId);
        Assert.Null(recovered.Pools.Single(p => p.Provider == ProviderA).Unavailable);
        Assert.Equal((kept.Offset, kept.Length), (held["kept"].Offset, held["kept"].Length));
        Assert.Contains("b-before", recovered.Pools.Single(p => p.Provider == ProviderB).Allocations.Select(a => a.AllocationId));
        Assert.False(held.ContainsKey("during-2"));
        // "during" met the outage: whether its event reached the journal or not, it never overlaps another buffer.
        ExtentAssert.NoOverlap(held.Values);
    }
}
