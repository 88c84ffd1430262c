using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The node polls the live kernel's pools (issue 13) on a sysfs tree written as the kernel lays it out: when
/// <c>available</c> drops below what the books hold (nvmet I/O using the pool), the controller sees the overcommit
/// at once and places nothing more there; an unpublished provider is taken out of placement with the reason; both
/// come back when the kernel's files do. No rescan or registration is involved.
/// </summary>
public sealed class LiveKernelPoolTests
{
    private const string Host = "storage-01";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task An_overcommit_or_an_unpublished_pool_reaches_the_controller_as_it_happens()
    {
        await using var cluster = new TestCluster();
        var root = cluster.Scratch("sysfs");
        SysfsTreeWriter.Write(TopologyFile.Read(TestCluster.Topology(Host)), root, realSymlinks: true);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host, sysfsRoot: root, registerEvery: TimeSpan.FromMinutes(10));
        await cluster.WaitForHostsAsync(Host);

        var held = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("held", Host, ["0000:03:00.0"], 4 * MiB))).Placement;
        var provider = held.Provider;
        var other = (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().Pools.Select(p => p.Provider).First(p => p != provider);
        string Attribute(string bdf, string name) => Path.Combine(root, "sys", "bus", "pci", "devices", bdf, "p2pmem", name);
        var size = long.Parse(File.ReadAllText(Attribute(provider, "size")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        File.WriteAllText(Attribute(provider, "available"), $"{MiB}\n");
        await Eventually.True($"the controller sees {provider} overcommitted", async () => (await Pool(cluster, provider)).Overcommitted);
        Assert.Equal(MiB, (await Pool(cluster, provider)).KernelAvailableBytes);
        var refused = await Candidate(cluster, provider);
        Assert.False(refused.Eligible);
        Assert.Contains("overcommitted", refused.Reason, StringComparison.Ordinal);
        Assert.Contains((await cluster.Ask<ControllerStats>(new GetControllerStats())).Pools, p => p.Provider == provider && p.Overcommitted && p.KernelAvailableBytes == MiB);

        File.WriteAllText(Attribute(other, "published"), "0\n");
        await Eventually.True($"the controller sees {other} unpublished", async () => !(await Pool(cluster, other)).Published);
        Assert.Contains("no longer published", (await Candidate(cluster, other)).Reason, StringComparison.Ordinal);

        File.WriteAllText(Attribute(provider, "available"), $"{size}\n");
        File.WriteAllText(Attribute(other, "published"), "1\n");
        await Eventually.True("both pools are placeable again", async () => (await Candidate(cluster, provider)).Eligible && (await Candidate(cluster, other)).Eligible);
        Assert.Equal(PlacementState.Committed, Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("held"))).Placement.State);
    }

    private static async Task<Protocol.Node.PoolSummary> Pool(TestCluster cluster, string provider)
        => (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().Pools.Single(p => p.Provider == provider);

    private static async Task<CandidateExplanation> Candidate(TestCluster cluster, string provider)
        => (await cluster.Ask<PlacementExplanation>(new ExplainPlacement(Host, ["0000:03:00.0"], MiB, new PlacementPolicy(Provider: provider))))
            .Candidates.Single(c => c.Provider == provider);
}
