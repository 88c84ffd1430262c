using Orchestrator.Controller.Placement;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>§5.4 on the bundled sample host: a NIC and two CMB NVMe drives behind one switch, a third CMB drive on another root port.</summary>
public class PlacementDeciderTests
{
    private const string Nic = SampleHost.Nic;
    private const string A = SampleHost.A;
    private const string B = SampleHost.B;
    private const string C = SampleHost.C;
    private const long MiB = SampleHost.MiB;

    private static HostTopology Sample(string? edit = null) => SampleHost.Topology(edit);

    private static HostState Host(long freeA = 256 * MiB, long freeB = 256 * MiB, long freeC = 128 * MiB, HostTopology? topology = null)
        => SampleHost.State(freeA, freeB, freeC, topology);

    private static PlacementRequest Request(long size, IPlacementMode? mode = null, P2pLevel? maxLevel = null, string? pinned = null, params string[] clients)
        => SampleHost.Request(size, mode, maxLevel, pinned, clients);

    private static PlacementDecision Decide(HostState host, PlacementRequest request, int seed = 1) => PlacementDecider.Decide(host, request, new Random(seed));

    [Fact]
    public void Same_switch_bus_addr_and_lower_distance_win_and_every_provider_is_explained()
    {
        var decision = Decide(Host(), Request(8 * MiB, clients: [Nic, B]));
        Assert.Equal([B, A, C], decision.Ranked);
        var explanation = decision.Explanation;
        Assert.Equal(B, explanation.Provider);
        Assert.Equal(3, explanation.Candidates.Count);
        var b = explanation.Candidates[0];
        Assert.Equal((B, 1, 4, "PIX"), (b.Provider, b.Rank, b.DistanceSum, b.Level));
        Assert.StartsWith("chosen: all clients BUS_ADDR", b.Reason, StringComparison.Ordinal);
        Assert.Equal(["BUS_ADDR", "BUS_ADDR"], b.Clients.Select(c => c.MapType));
        var c = explanation.Candidates.Single(x => x.Provider == C);
        Assert.Equal(3, c.Rank);
        Assert.Equal("THRU_HOST_BRIDGE", c.Clients[0].MapType);
        Assert.Equal("PHB", c.Level);
        Assert.Contains("through the host bridge", c.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, B)]    // both fit: the smaller sufficient extent (B) keeps A's big one for big requests
    [InlineData(50, A)]   // only A has 50 MiB contiguous
    public void Best_fit_breaks_ties_between_equally_close_providers(long sizeMiB, string expected)
    {
        var decision = Decide(Host(freeA: 100 * MiB, freeB: 10 * MiB), Request(sizeMiB * MiB, clients: [Nic]));
        Assert.Equal(expected, decision.Chosen);
        if (sizeMiB == 50)
        {
            Assert.Contains("not enough contiguous space: largest free extent 10485760 bytes, need 52428800", decision.Explanation.Candidates.Single(x => x.Provider == B).Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Max_level_rejects_farther_providers_with_the_reason()
    {
        var decision = Decide(Host(freeA: 0, freeB: 0), Request(MiB, maxLevel: P2pLevel.PIX, clients: [Nic]));
        Assert.Null(decision.Chosen);
        Assert.Equal("level PHB is farther than maxLevel PIX", decision.Explanation.Candidates.Single(x => x.Provider == C).Reason);
    }

    [Fact]
    public void Draining_and_overcommitted_pools_take_nothing()
    {
        var host = Host();
        host.DrainedProviders.Add(B);
        host.Pools[A].Take(host.Pools[A].Reported with { Overcommitted = true });
        var decision = Decide(host, Request(MiB, clients: [Nic]));
        Assert.Equal(C, decision.Chosen);
        Assert.Equal($"provider {B} is draining", decision.Explanation.Candidates.Single(x => x.Provider == B).Reason);
        Assert.StartsWith("pool overcommitted", decision.Explanation.Candidates.Single(x => x.Provider == A).Reason, StringComparison.Ordinal);

        host.Drained = true;
        Assert.Null(Decide(host, Request(MiB, clients: [Nic])).Chosen);
    }

    [Fact]
    public void Unpublished_p2pmem_is_never_used()
    {
        var topology = Sample("published: false }\n  - { address: \"0000:00:02.0\"");
        var decision = Decide(Host(topology: topology), Request(MiB, clients: [Nic]));
        Assert.Equal("p2pmem is not published: it belongs to its device's driver", decision.Explanation.Candidates.Single(x => x.Provider == B).Reason);
        Assert.Equal(A, decision.Chosen);
    }

    [Fact]
    public void A_pinned_provider_is_the_only_candidate()
    {
        var decision = Decide(Host(), Request(MiB, pinned: C, clients: [Nic]));
        Assert.Equal([C], decision.Ranked);
        Assert.Equal($"not the pinned provider {C}", decision.Explanation.Candidates.Single(x => x.Provider == A).Reason);
    }

    [Fact]
    public void Kernel_mode_takes_the_kernels_random_tie_and_rfc2017_the_first_match()
    {
        var chosen = Enumerable.Range(0, 32).Select(seed => Decide(Host(), Request(MiB, FinderMode.Kernel, clients: [Nic]), seed).Chosen).ToHashSet();
        Assert.Equal(new HashSet<string?> { A, B }, chosen);
        var rfc = Decide(Host(), Request(MiB, FinderMode.Rfc2017, clients: [Nic]));
        Assert.Equal(A, rfc.Chosen);
        Assert.Equal("rfc2017", rfc.Explanation.Mode);
        Assert.Contains("rfc2017 takes the first match", rfc.Explanation.Candidates.Single(x => x.Provider == B).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_mode_refuses_when_the_kernels_choice_lacks_room()
    {
        var decision = Decide(Host(freeA: 0, freeB: 0), Request(MiB, FinderMode.Kernel, clients: [Nic]));
        Assert.Null(decision.Chosen);
    }

    /// <summary>§5.4's hard filters, each making provider B (or C) unusable: every mode must respect every one of them.</summary>
    private static readonly Dictionary<string, (Func<HostState> Host, P2pLevel? MaxLevel, string Victim, string Reason)> HardFilters = new()
    {
        ["unpublished"] = (() => Host(topology: Sample("published: false }\n  - { address: \"0000:00:02.0\"")), null, B, "p2pmem is not published"),
        ["draining"] = (() => { var h = Host(); h.DrainedProviders.Add(B); return h; }, null, B, $"provider {B} is draining"),
        ["overcommitted"] = (() => { var h = Host(); h.Pools[B].Take(h.Pools[B].Reported with { Overcommitted = true, Revision = 2 }); return h; }, null, B, "pool overcommitted"),
        ["no contiguous space"] = (() => Host(freeB: 0), null, B, "not enough contiguous space: largest free extent 0 bytes"),
        ["bytes in flight"] = (() => { var h = Host(); h.Pools[B].Reserve(256 * MiB); return h; }, null, B, "not enough contiguous space while 268435456 bytes are being allocated there"),
        ["beyond maxLevel"] = (() => Host(), P2pLevel.PIX, C, "level PHB is farther than maxLevel PIX"),
        ["host bridge not allowed"] = (() => Host(topology: SampleHost.Topology(rewrite: y => y.Replace("device: \"2020\"", "device: \"ffff\"", StringComparison.Ordinal))), null, C,
            $"client {Nic}: "),
    };

    public static TheoryData<string, string> ModesAndFilters()
    {
        var data = new TheoryData<string, string>();
        foreach (var mode in PlacementModes.All)
        {
            foreach (var filter in HardFilters.Keys)
            {
                data.Add(mode.Name, filter);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModesAndFilters))]
    public void Every_mode_respects_every_hard_filter(string mode, string filter)
    {
        var (host, maxLevel, victim, reason) = HardFilters[filter];
        for (var seed = 0; seed < 8; seed++)
        {
            var decision = Decide(host(), Request(MiB, PlacementModes.Parse(mode), maxLevel, clients: [Nic]), seed);
            Assert.DoesNotContain(victim, decision.Ranked);
            var explained = decision.Explanation.Candidates.Single(x => x.Provider == victim);
            Assert.False(explained.Eligible);
            Assert.StartsWith(reason, explained.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Bytes_in_flight_are_subtracted_and_a_decision_they_alone_block_waits()
    {
        var host = Host(freeA: 8 * MiB, freeB: 8 * MiB, freeC: 0);
        host.Pools[B].Reserve(4 * MiB);
        var decision = Decide(host, Request(6 * MiB, clients: [Nic]));
        Assert.Equal(A, decision.Chosen);  // B has 8 MiB, but 4 of them are being allocated
        var b = decision.Explanation.Candidates.Single(x => x.Provider == B);
        Assert.Equal((4 * MiB, 4 * MiB), (b.AvailableBytes, b.LargestFreeExtentBytes));

        host.Pools[A].Reserve(4 * MiB);
        decision = Decide(host, Request(6 * MiB, clients: [Nic]));
        Assert.Null(decision.Chosen);
        Assert.True(decision.WaitsForInFlight);

        // Once the answers are in, the view is the node's again: no room for 10 MiB is no room, not a wait.
        host.Pools[A].Unreserve(4 * MiB);
        host.Pools[B].Unreserve(4 * MiB);
        decision = Decide(host, Request(10 * MiB, clients: [Nic]));
        Assert.Null(decision.Chosen);
        Assert.False(decision.WaitsForInFlight);
    }
}
