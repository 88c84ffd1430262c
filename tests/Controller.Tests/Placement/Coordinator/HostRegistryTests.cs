using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Files;
using static Orchestrator.Controller.Tests.Placement.SampleHost;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>Registrations, incarnations, membership and the pool views, case by case.</summary>
public sealed class HostRegistryTests
{
    private static readonly Protocol.Topology.TopologyDocument Document = TopologyDocumentMapper.ToDocument(SampleHost.Topology(), withDiagnostics: true);

    private static readonly DateTime Now = new(2026, 12, 2, 4, 0, 0, DateTimeKind.Utc);

    private static RegisterHost Registration(long incarnation, long revision, long available = 256 * MiB, string identity = "node-1")
        => new("storage-01", Document, [Status(A, revision, available), Status(B, revision, 256 * MiB), Status(C, revision, 128 * MiB)], incarnation, identity);

    private static PoolStatus Status(string provider, long revision, long available)
        => new(provider, 256 * MiB, available, available, 0, 0, 256 * MiB, 256 * MiB, true, false, [], revision);

    private static bool NotDrained(string host, string? provider) => false;

    [Fact]
    public void A_registration_from_an_older_incarnation_is_ignored_with_the_reason()
    {
        var registry = new HostRegistry<string>();
        Assert.NotNull(registry.Register(Registration(incarnation: 2, revision: 5), "agent-2", "member-2", NotDrained, Now).Entry);
        var (entry, refusal) = registry.Register(Registration(incarnation: 1, revision: 9), "agent-1", "member-1", NotDrained, Now);
        Assert.Null(entry);
        Assert.Contains("older incarnation", refusal, StringComparison.Ordinal);
        Assert.Equal("agent-2", registry.Find("storage-01")!.Agent);
    }

    [Fact]
    public void The_same_incarnation_keeps_newer_figures_that_crossed_the_registration()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, revision: 5), "agent", "member", NotDrained, Now);
        Assert.True(registry.TakeReport("storage-01", Pool(A, 256 * MiB, 100 * MiB, revision: 7)));
        registry.Register(Registration(1, revision: 6), "agent", "member", NotDrained, Now);
        Assert.Equal((7L, 100 * MiB), (registry.Find("storage-01")!.State.Pools[A].Reported.Revision, registry.Find("storage-01")!.State.Pools[A].Reported.AvailableBytes));
        Assert.Equal(6, registry.Find("storage-01")!.State.Pools[B].Reported.Revision);
    }

    [Fact]
    public void A_new_incarnation_is_taken_as_it_reports_itself()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, revision: 50), "agent", "member", NotDrained, Now);
        registry.Register(Registration(2, revision: 3, available: 64 * MiB), "agent-2", "member", NotDrained, Now);
        Assert.Equal((3L, 64 * MiB), (registry.Find("storage-01")!.State.Pools[A].Reported.Revision, registry.Find("storage-01")!.State.Pools[A].Reported.AvailableBytes));
    }

    [Fact]
    public void Older_figures_never_replace_newer_ones()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, revision: 5), "agent", "member", NotDrained, Now);
        Assert.True(registry.TakeReport("storage-01", Pool(A, 256 * MiB, 10 * MiB, revision: 8)));
        Assert.False(registry.TakeReport("storage-01", Pool(A, 256 * MiB, 200 * MiB, revision: 6)));
        Assert.False(registry.TakeReport("storage-01", null));
        Assert.False(registry.TakeReport("elsewhere", Pool(A, 256 * MiB, 200 * MiB, revision: 9)));
        Assert.Equal(10 * MiB, registry.Find("storage-01")!.State.Pools[A].Reported.AvailableBytes);
    }

    [Fact]
    public void Bytes_in_flight_stay_counted_across_a_registration_until_answered()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, revision: 5), "agent", "member", NotDrained, Now);
        registry.Reserve("storage-01", A, 8 * MiB);
        registry.Register(Registration(1, revision: 6), "agent", "member", NotDrained, Now);
        Assert.Equal(248 * MiB, registry.Find("storage-01")!.State.Pools[A].AvailableBytes);
        registry.Unreserve("storage-01", A, 8 * MiB);
        Assert.Equal(256 * MiB, registry.Find("storage-01")!.State.Pools[A].AvailableBytes);
    }

    [Fact]
    public void Drains_recorded_in_the_book_apply_at_registration_and_after()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, 1), "agent", "member", (host, provider) => provider == B, Now);
        Assert.Equal([B], registry.Find("storage-01")!.State.DrainedProviders);
        registry.SetDrain("storage-01", null, true);
        registry.SetDrain("storage-01", B, false);
        Assert.True(registry.Find("storage-01")!.State.Drained);
        Assert.Empty(registry.Find("storage-01")!.State.DrainedProviders);
        Assert.Equal(PlacementErrorKind.UnknownDevice, registry.DrainRefusal(new SetDrain("storage-01", "0000:09:00.0", true))!.Kind);
        Assert.Equal(PlacementErrorKind.UnknownHost, registry.DrainRefusal(new SetDrain("nowhere", null, true))!.Kind);
        Assert.Null(registry.DrainRefusal(new SetDrain("storage-01", A, true)));
    }

    [Fact]
    public void Membership_changes_the_status_of_the_hosts_registered_from_that_member()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, 1), "agent", "akka.tcp://orchestrator@10.0.0.1:4054", NotDrained, Now);
        Assert.Empty(registry.SetStatus("akka.tcp://orchestrator@10.0.0.2:4054", HostStatus.Unreachable));
        Assert.Equal(["storage-01"], registry.SetStatus("akka.tcp://orchestrator@10.0.0.1:4054", HostStatus.Unreachable));
        Assert.Equal(PlacementErrorKind.Unavailable, registry.Reachable("storage-01").Refusal!.Kind);
        Assert.Equal(PlacementErrorKind.UnknownHost, registry.Reachable("nowhere").Refusal!.Kind);
        registry.SetStatus("akka.tcp://orchestrator@10.0.0.1:4054", HostStatus.Up);
        Assert.NotNull(registry.Reachable("storage-01").Entry);
    }

    [Fact]
    public void A_topology_that_cannot_be_read_is_refused_with_the_reason()
    {
        var registry = new HostRegistry<string>();
        var broken = Registration(1, 1) with { Topology = new Protocol.Topology.TopologyDocument { Host = "storage-01", Functions = [new Protocol.Topology.FunctionDocument { Address = "zz" }] } };
        var (entry, refusal) = registry.Register(broken, "agent", "member", NotDrained, Now);
        Assert.Null(entry);
        Assert.Contains("cannot read", refusal, StringComparison.Ordinal);
        Assert.Equal(0, registry.Count);
    }

    [Fact]
    public void While_the_host_is_up_another_node_identity_cannot_take_it_and_the_conflict_is_shown()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(1, 1), "real", "member-real", NotDrained, Now);
        registry.Reserve("storage-01", A, 4 * MiB);
        var (entry, refusal) = registry.Register(Registration(Now.Ticks, 99, available: 0, identity: "impostor"), "fake", "member-fake", NotDrained, Now);
        Assert.Null(entry);
        Assert.Contains("held by node identity node-1", refusal, StringComparison.Ordinal);
        Assert.Equal(1, registry.Refused);
        var kept = registry.Find("storage-01")!;
        Assert.Equal(("real", "node-1", 256 * MiB), (kept.Agent, kept.Identity, kept.State.Pools[A].Reported.AvailableBytes));
        Assert.Contains("impostor", kept.State.Conflict, StringComparison.Ordinal);

        // The real node goes on registering (its incarnation was never overtaken); the conflict stays on record.
        var (again, _) = registry.Register(Registration(1, 2), "real", "member-real", NotDrained, Now);
        Assert.NotNull(again);
        Assert.Contains("impostor", again.State.Conflict, StringComparison.Ordinal);
        Assert.Equal(252 * MiB, again.State.Pools[A].AvailableBytes);
    }

    [Fact]
    public void A_host_that_is_down_may_be_taken_by_a_new_node_identity()
    {
        var registry = new HostRegistry<string>();
        registry.Register(Registration(5, 1), "old", "member-old", NotDrained, Now);
        registry.SetStatus("member-old", HostStatus.Down);
        var (entry, _) = registry.Register(Registration(1, 1, identity: "reinstalled"), "new", "member-new", NotDrained, Now);
        Assert.Equal(("new", "reinstalled"), (entry!.Agent, entry.Identity));
    }

    [Theory]
    [InlineData("no identity", "", 1L, "carries no node identity")]
    [InlineData("an incarnation forged into the future", "node-1", long.MaxValue, "lies more than an hour ahead")]
    public void Registrations_that_could_lock_out_the_real_node_are_refused(string name, string identity, long incarnation, string reason)
    {
        var registry = new HostRegistry<string>();
        var (entry, refusal) = registry.Register(Registration(incarnation, 1, identity: identity), "agent", "member", NotDrained, Now);
        Assert.True(entry is null && refusal!.Contains(reason, StringComparison.Ordinal), $"{name}: {refusal}");
    }
}
