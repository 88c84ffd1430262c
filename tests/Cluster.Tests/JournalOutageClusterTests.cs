using System.Diagnostics;
using Akka.Actor;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The node's journal database goes away under placements (its PostgreSQL database refuses connections and drops the
/// open ones) and comes back: meanwhile placements on that host answer 503 with the reason, and afterwards they
/// succeed again with no process restarted; every acknowledged placement is still held where it was, and no two
/// buffers overlap.
/// </summary>
public sealed class JournalOutageClusterTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const long MiB = 1 << 20;

    [SkippableFact]
    public async Task Placements_answer_503_while_the_nodes_journal_is_down_and_succeed_again_by_themselves()
    {
        await using var cluster = new TestCluster(TestJournals.Postgres);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var acknowledged = new List<PlacementView>();
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add(Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer($"before-{i}", HostA, ["0000:03:00.0"], 4 * MiB))).Placement);
        }

        await cluster.Journals.Database(HostA).RefuseConnectionsAsync();
        var outage = Stopwatch.StartNew();
        var answers = new List<PlacementRejected>();
        for (var i = 0; outage.Elapsed < TimeSpan.FromSeconds(4); i++)
        {
            switch (await cluster.Ask(new PlaceBuffer($"during-{i}", HostA, ["0000:03:00.0"], 4 * MiB)))
            {
                case PlacementRejected rejected:
                    answers.Add(rejected);
                    break;
                case PlacementAccepted accepted:
                    Assert.Fail($"placed during the outage: {accepted.Placement.PlacementId}");
                    break;
            }
        }
        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(PlacementErrorKind.Unavailable, a.Kind));
        Assert.Contains(answers, a => a.Message.Contains("journal", StringComparison.Ordinal));
        output.WriteLine($"{answers.Count} answers during the outage, e.g. {answers[^1].Message}");

        await cluster.Journals.Database(HostA).AcceptConnectionsAsync();
        var back = Stopwatch.StartNew();
        PlacementAccepted? after = null;
        for (var i = 0; after is null && back.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            after = await cluster.Ask(new PlaceBuffer($"after-{i}", HostA, ["0000:03:00.0"], 4 * MiB)) as PlacementAccepted;
            if (after is null)
            {
                await Task.Delay(200);
            }
        }
        Assert.True(after is not null, "placements did not succeed again within 60 s of the journal's return");
        output.WriteLine($"placing again {back.Elapsed.TotalSeconds:0.0} s after the journal came back");
        acknowledged.Add(after.Placement);

        // Settled: every pool back (each restarts on its own backoff), then node and controller agree.
        var settle = Stopwatch.StartNew();
        while ((await (await cluster.AgentOf(HostA)).Ask<Protocol.Node.HostSnapshot>(new Protocol.Node.GetHostSnapshot(), TestCluster.AskTimeout)).Pools
            .Where(p => p.Unavailable is not null).Select(p => $"{p.Provider}: {p.Unavailable}").ToList() is { Count: > 0 } unavailable)
        {
            Assert.True(settle.Elapsed < TimeSpan.FromSeconds(60), $"pools did not come back within 60 s: {string.Join("; ", unavailable)}");
            await Task.Delay(200);
        }
        output.WriteLine($"every pool back {back.Elapsed.TotalSeconds:0.0} s after the journal came back");
        var held = await cluster.HeldOn(HostA);
        foreach (var p in acknowledged)
        {
            var now = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(p.PlacementId))).Placement;
            Assert.Equal(PlacementState.Committed, now.State);
            Assert.Equal((p.Provider, p.Offset, p.Length), (held[p.PlacementId].Provider, held[p.PlacementId].Record.Offset, held[p.PlacementId].Record.Length));
        }
        foreach (var pool in held.Values.GroupBy(h => h.Provider))
        {
            ExtentAssert.NoOverlap(pool.Select(h => h.Record), $"{pool.Key}: ");
        }
    }
}
