using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Files;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Every bad request gets its specific refusal (with the explanation where one exists); the coordinator keeps
/// running and nothing changes. A node that never answers is stood in for by a test probe that registers a host
/// and then stays silent.
/// </summary>
public sealed class CoordinatorInputTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task Bad_requests_get_specific_refusals_and_change_nothing()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.StartNodeAsync("storage-02");
        await cluster.WaitForHostsAsync(HostA, "storage-02");
        var held = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("keep", HostA, ["0000:03:00.0"], MiB)));

        async Task<PlacementRejected> Refused(object request) => Assert.IsType<PlacementRejected>(await cluster.Ask(request));

        var unknownHost = await Refused(new PlaceBuffer("r1", "storage-99", ["0000:03:00.0"], MiB));
        Assert.Equal((PlacementErrorKind.UnknownHost, "unknown host 'storage-99'"), (unknownHost.Kind, unknownHost.Message));

        var unknownClient = await Refused(new PlaceBuffer("r2", HostA, ["0000:42:00.0"], MiB));
        Assert.Equal(PlacementErrorKind.UnknownDevice, unknownClient.Kind);
        Assert.Contains("0000:42:00.0 is not a function of host 'storage-01'", unknownClient.Message, StringComparison.Ordinal);

        var otherHostsClient = await Refused(new PlaceBuffer("r3", HostA, ["0000:43:00.0"], MiB));  // storage-02's RNIC
        Assert.Equal(PlacementErrorKind.UnknownDevice, otherHostsClient.Kind);

        var badAddress = await Refused(new PlaceBuffer("r4", HostA, ["0000:zz:00.0"], MiB));
        Assert.Equal(PlacementErrorKind.Invalid, badAddress.Kind);
        Assert.Contains("'0000:zz:00.0'", badAddress.Message, StringComparison.Ordinal);

        Assert.Contains("sizeBytes 0 is not positive", (await Refused(new PlaceBuffer("r5", HostA, ["0000:03:00.0"], 0))).Message, StringComparison.Ordinal);

        var tooBig = await Refused(new PlaceBuffer("r6", HostA, ["0000:03:00.0"], 1L << 40));
        Assert.Equal(PlacementErrorKind.NoCompatibleProvider, tooBig.Kind);
        Assert.NotNull(tooBig.Explanation);
        Assert.All(tooBig.Explanation!.Candidates, c => Assert.StartsWith("not enough contiguous space", c.Reason, StringComparison.Ordinal));

        // The request rules hold over remoting too, not only at the REST edge.
        Assert.Equal(PlacementErrorKind.Invalid, (await Refused(new PlaceBuffer("..", HostA, ["0000:03:00.0"], MiB))).Kind);
        Assert.Equal(PlacementErrorKind.Invalid, (await Refused(new PlaceBuffer("r6b", HostA, ["0000:03:00.0"], MiB, new NvmeofTarget("..", 1, null)))).Kind);

        var badMode = await Refused(new PlaceBuffer("r7", HostA, ["0000:03:00.0"], MiB, Policy: new PlacementPolicy(Mode: "fastest")));
        Assert.Equal("policy.mode 'fastest' is not one of orchestrator, kernel, rfc2017", badMode.Message);

        var badLevel = await Refused(new PlaceBuffer("r8", HostA, ["0000:03:00.0"], MiB, Policy: new PlacementPolicy(MaxLevel: "NEAR")));
        Assert.Contains("policy.maxLevel 'NEAR'", badLevel.Message, StringComparison.Ordinal);

        // No provider is the RNIC itself: maxLevel X rules every one out, each with its level.
        var unmet = await Refused(new PlaceBuffer("r9", HostA, ["0000:03:00.0"], MiB, Policy: new PlacementPolicy(MaxLevel: "X")));
        Assert.Equal(PlacementErrorKind.NoCompatibleProvider, unmet.Kind);
        Assert.All(unmet.Explanation!.Candidates, c => Assert.Contains("farther than maxLevel X", c.Reason, StringComparison.Ordinal));

        Assert.Equal(PlacementErrorKind.UnknownPlacement, (await Refused(new ReleasePlacement("nope"))).Kind);
        Assert.Equal(PlacementErrorKind.UnknownHost, (await Refused(new SetDrain("storage-99", null, true))).Kind);

        // Draining refuses with 409-kind, undraining allows again.
        Assert.IsType<DrainSet>(await cluster.Ask(new SetDrain(HostA, null, true)));
        Assert.Equal(PlacementErrorKind.Draining, (await Refused(new PlaceBuffer("r10", HostA, ["0000:03:00.0"], MiB))).Kind);
        Assert.IsType<DrainSet>(await cluster.Ask(new SetDrain(HostA, null, false)));

        // Nothing changed: one placement, still committed where it was, and the coordinator still places.
        var all = (await cluster.Ask<PlacementList>(new ListPlacements())).Placements;
        var keep = Assert.Single(all);
        Assert.Equal((PlacementState.Committed, held.Placement.Offset), (keep.State, keep.Offset));
        Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("r11", HostA, ["0000:03:00.0"], MiB)));
    }

    [Fact]
    public async Task A_node_that_never_answers_fails_the_placement_with_unavailable_and_the_coordinator_keeps_going()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        using var kit = new Akka.TestKit.Xunit2.TestKit(cluster.ControllerSystem(), output);
        var silentNode = kit.CreateTestProbe("silent-node");
        var topology = TopologyDocumentMapper.ToDocument(TopologyFile.Read(TestCluster.Topology(HostA)), withDiagnostics: false);
        var pools = new[] { "0000:04:00.0", "0000:05:00.0", "0000:06:00.0" }
            .Select(p => new PoolStatus(p, 64 * MiB, 64 * MiB, 64 * MiB, 0, 0, 64 * MiB, 64 * MiB, true, false, [])).ToList();
        cluster.Coordinator.Tell(new RegisterHost(HostA, topology, pools, DateTime.UtcNow.Ticks, "silent-node"), silentNode.Ref);
        silentNode.ExpectMsg<HostRegistered>(TimeSpan.FromSeconds(10));
        Assert.Empty(silentNode.ExpectMsg<DesiredNvmet>(TimeSpan.FromSeconds(5)).Placements);  // no placement of this host has an NVMe-oF target

        var reply = cluster.Ask(new PlaceBuffer("silent-1", HostA, ["0000:03:00.0"], MiB));
        var asked = silentNode.ExpectMsg<AllocateBuffer>(TimeSpan.FromSeconds(10));
        Assert.Equal("silent-1", asked.AllocationId);
        var rejected = Assert.IsType<PlacementRejected>(await reply);  // after the 3 s node timeout
        Assert.Equal(PlacementErrorKind.Unavailable, rejected.Kind);
        Assert.Contains("did not answer", rejected.Message, StringComparison.Ordinal);
        // In case it allocated late, the coordinator asks the node to free it.
        Assert.Equal("silent-1", silentNode.ExpectMsg<FreeBuffer>(TimeSpan.FromSeconds(5)).AllocationId);

        var failed = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("silent-1"))).Placement;
        Assert.Equal(PlacementState.Failed, failed.State);
        Assert.True(failed.Retryable);
        Assert.IsType<HostList>(await cluster.Ask(new GetHosts()));  // still running

        // A 503 is a passing state: the same request id again is carried out (not 409), and succeeds once the node answers.
        var retry = cluster.Ask(new PlaceBuffer("silent-1", HostA, ["0000:03:00.0"], MiB));
        var again = silentNode.ExpectMsg<AllocateBuffer>(TimeSpan.FromSeconds(10));
        silentNode.Reply(new BufferGranted(HostA, again.Provider, "silent-1", 0, MiB, AlreadyHeld: false,
            new PoolSummary(again.Provider, 2, 64 * MiB, 63 * MiB, 63 * MiB, 0, 1, 64 * MiB, 64 * MiB, true, false)));
        var accepted = Assert.IsType<PlacementAccepted>(await retry);
        Assert.Equal((PlacementState.Committed, 0L), (accepted.Placement.State, accepted.Placement.Offset));
    }
}
