using Akka.Actor;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Over real remoting (issue 14, part 4): after its first registration a node lists only what changed since the books
/// the controller acknowledged holding, and every change still reaches reconciliation, including those made on the
/// node behind the controller's back; a controller that takes the singleton over holds none of the node's books: it
/// asks for everything, gets it, and the deltas go on from there.
/// </summary>
public sealed class RegistrationDeltaClusterTests(ITestOutputHelper output)
{
    private const string Host = "storage-01";
    private const string Nic = "0000:03:00.0";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task Deltas_carry_every_change_and_a_new_singleton_asks_for_everything()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        var second = TestCluster.FreePort();
        await cluster.StartControllerAsync(port: second, seeds: [cluster.Seed, $"akka.tcp://orchestrator@127.0.0.1:{second}"]);
        await cluster.StartNodeAsync(Host);  // re-registers every second
        await cluster.WaitForHostsAsync(Host);
        var kept = Placed(await cluster.Ask(new PlaceBuffer("kept", Host, [Nic], 16 * MiB)));
        var gone = Placed(await cluster.Ask(new PlaceBuffer("gone", Host, [Nic], 16 * MiB, Policy: new PlacementPolicy(Provider: kept.Provider))));
        Placed(await cluster.Ask(new PlaceBuffer("released", Host, [Nic], 16 * MiB, Policy: new PlacementPolicy(Provider: kept.Provider))));
        await Eventually.True("registrations go as deltas", async () => (await Counts(cluster))["delta"] >= 2, TimeSpan.FromSeconds(20));
        var before = await Counts(cluster);  // the first ones went whole (one per start, identity and controller seen)

        // Behind the controller's back, on the node: a buffer freed, and one granted that no placement knows.
        var agent = await cluster.AgentOf(Host);
        Assert.True(Assert.IsType<BufferReleased>(await agent.Ask<object>(new FreeBuffer(gone.Provider, "gone"), TestCluster.AskTimeout)).WasHeld);
        Assert.IsType<BufferGranted>(await agent.Ask<object>(new AllocateBuffer(gone.Provider, "stranger", MiB), TestCluster.AskTimeout));
        Assert.Equal(PlacementState.Released, State(await cluster.Ask(new ReleasePlacement("released"))));

        await Eventually.True("the delta's changes are reconciled: the freed buffer's placement lost, the stranger counted", async () =>
            State(await cluster.Ask(new GetPlacement("gone"))) == PlacementState.Lost
            && (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().UnknownBuffers == 1, TimeSpan.FromSeconds(30));
        var counts = await Counts(cluster);
        output.WriteLine($"first singleton: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"))}");
        Assert.Equal(0, counts["resync"]);
        Assert.Equal(before["whole"], counts["whole"]);  // every change went in a delta
        Assert.True(counts["delta"] > before["delta"]);
        Assert.Equal(await HeldCount(cluster, kept.Provider), (await cluster.Ask<ControllerStats>(new GetControllerStats())).Pools.Single(p => p.Provider == kept.Provider).AllocationCount);

        await cluster.StopControllerAsync(0);  // the singleton moves to the survivor, which holds none of the node's books
        await cluster.UseControllerAsync(0);
        await cluster.WaitForHostsAsync(Host);
        await Eventually.True("the new singleton asked for everything once, then took deltas again", async () =>
            await Counts(cluster) is var c && c["resync"] >= 1 && c["whole"] >= 1 && c["delta"] >= 2, TimeSpan.FromSeconds(30));
        output.WriteLine($"second singleton: {string.Join(", ", (await Counts(cluster)).Select(c => $"{c.Key} {c.Value}"))}");

        var held = await cluster.HeldOn(Host);
        Assert.Equal((PlacementState.Committed, kept.Offset), (State(await cluster.Ask(new GetPlacement("kept"))), held["kept"].Record.Offset));
        Assert.Equal(PlacementState.Lost, State(await cluster.Ask(new GetPlacement("gone"))));
        Assert.Equal(1, (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().UnknownBuffers);
        Assert.Equal(["kept", "stranger"], held.Keys.Order(StringComparer.Ordinal));
    }

    private static PlacementView Placed(object reply) => Assert.IsType<PlacementAccepted>(reply).Placement;

    private static PlacementState State(object reply) => Assert.IsType<PlacementFound>(reply).Placement.State;

    private static async Task<int> HeldCount(TestCluster cluster, string provider) => (await cluster.HeldOn(Host)).Values.Count(h => h.Provider == provider);

    private static async Task<Dictionary<string, int>> Counts(TestCluster cluster)
        => (await cluster.Ask<ControllerStats>(new GetControllerStats())).Registrations!.ToDictionary(c => c.State, c => c.Count, StringComparer.Ordinal);
}
