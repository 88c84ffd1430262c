using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A second node agent that claims an up host's name (a misconfigured agent or an impostor, with books and a node
/// identity of its own) over real remoting: its registrations are refused and shown, the host's placements are
/// untouched, new placements never get bytes the real node holds, and the real node keeps its host.
/// </summary>
public sealed class HostIdentityTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task A_second_agent_with_the_same_host_name_is_refused_and_changes_nothing()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var kept = new List<PlacementView>();
        for (var i = 0; i < 3; i++)
        {
            kept.Add(Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer($"keep-{i}", HostA, ["0000:03:00.0"], 16 * MiB))).Placement);
        }
        var before = (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single();
        Assert.False(string.IsNullOrEmpty(before.Identity));

        await cluster.StartNodeAsync(HostA, name: "impostor");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        HostView host;
        while ((host = (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single()).Conflict is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the second agent's registration was never refused");
            await Task.Delay(200);
        }
        output.WriteLine(host.Conflict);
        Assert.Equal((before.Identity, before.Member), (host.Identity, host.Member));
        Assert.Contains(before.Identity!, host.Conflict, StringComparison.Ordinal);
        Assert.True((await cluster.Ask<ControllerStats>(new GetControllerStats())).RefusedRegistrations >= 1);

        // Several registration rounds later: nothing lost, nothing moved, and the next placement lands in free space.
        await Task.Delay(TimeSpan.FromSeconds(3));
        foreach (var p in kept)
        {
            var now = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(p.PlacementId))).Placement;
            Assert.Equal((PlacementState.Committed, p.Provider, p.Offset), (now.State, now.Provider, now.Offset));
        }
        var next = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("next", HostA, ["0000:03:00.0"], 16 * MiB))).Placement;
        var held = await cluster.HeldOn(HostA);
        Assert.Equal(4, held.Count);
        foreach (var pool in held.Values.GroupBy(h => h.Provider))
        {
            ExtentAssert.NoOverlap(pool.Select(h => h.Record), $"{pool.Key}: ");
        }
        Assert.Equal((next.Offset, next.Length), (held["next"].Record.Offset, held["next"].Record.Length));
        Assert.Empty(await cluster.HeldOn("impostor"));
        Assert.Equal(before.Member, (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().Member);
    }

    [Fact]
    public async Task A_node_back_with_an_emptied_journal_is_refused_and_its_placements_are_not_lost()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var kept = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("kept", HostA, ["0000:03:00.0"], 16 * MiB))).Placement;

        // The node comes back on an empty journal (a zero-length file, a lost volume, a wrong restore): same host, no books.
        await cluster.StopNodeAsync(HostA);
        await cluster.StartNodeAsync(HostA, name: "emptied");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await cluster.Ask<ControllerStats>(new GetControllerStats())).RefusedRegistrations == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the node with an emptied journal was not refused");
            await Task.Delay(200);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));  // several registration rounds
        var now = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("kept"))).Placement;
        Assert.Equal((PlacementState.Committed, kept.Offset), (now.State, now.Offset));
        var refused = await cluster.Ask(new PlaceBuffer("next", HostA, ["0000:03:00.0"], 16 * MiB));
        output.WriteLine(refused.ToString());
        Assert.IsNotType<PlacementAccepted>(refused);  // nothing is placed on books the controller cannot trust
    }
}
