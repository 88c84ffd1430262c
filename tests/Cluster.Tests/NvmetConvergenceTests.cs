using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Desired versus actual nvmet on a cluster over real remoting (issue 13), with the kernel's configfs layout in a
/// folder: the controller shows what the node reads of each placement's namespace, a value reset behind the node's
/// back is rewritten, an enabled namespace shows pending-disable (and the filter and counts find it), a restarted
/// node learns the desired values from the controller and heals the namespace, and managed enable sets an enabled
/// namespace and enables it again.
/// </summary>
public sealed class NvmetConvergenceTests
{
    private const string Host = "storage-01";
    private const string Nqn = "nqn.2014-08.org.example:target-1";
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task Each_placement_shows_what_its_namespace_reads_and_drift_heals()
    {
        await using var cluster = new TestCluster();
        var configfs = cluster.Scratch("configfs");
        var ns1 = Namespace(configfs, 1);
        var ns2 = Namespace(configfs, 2, enabled: true);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host, configfs, nvmetEvery: Every, blockRoot: Blocks(cluster));
        await cluster.WaitForHostsAsync(Host);

        var first = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("t-1", Host, ["0000:03:00.0"], 1 << 20, new NvmeofTarget(Nqn, 1, null)))).Placement;
        var provider = first.Provider;
        await ShowsAsync(cluster, "t-1", NvmetState.Applied, provider);
        Assert.Equal(provider + "\n", P2pmem(ns1));

        // nvmetcli restore after a reboot: the namespace is back, without p2pmem.
        File.WriteAllText(Path.Combine(ns1, "p2pmem"), "0\n");
        await Eventually.True("the node rewrites the namespace's p2pmem", () => P2pmem(ns1) == provider + "\n");
        await ShowsAsync(cluster, "t-1", NvmetState.Applied, provider);

        // Enabled with another value: the kernel takes no change, the node leaves it and says so.
        File.WriteAllText(Path.Combine(ns1, "enable"), "1\n");
        File.WriteAllText(Path.Combine(ns1, "p2pmem"), "0\n");
        var pending = await ShowsAsync(cluster, "t-1", NvmetState.PendingDisable, "0");
        Assert.True(pending.Enabled);
        Assert.Equal("t-1", Assert.Single((await cluster.Ask<PlacementList>(new ListPlacements(Nvmet: NvmetState.PendingDisable))).Placements).PlacementId);
        Assert.Empty((await cluster.Ask<PlacementList>(new ListPlacements(Nvmet: NvmetState.Applied))).Placements);
        Assert.Contains(new StateCount("pending-disable", 1), (await cluster.Ask<ControllerStats>(new GetControllerStats())).Nvmet!);

        // The node restarts while the namespace is disabled and reset: it learns the desired value from the controller.
        await cluster.StopNodeAsync(Host);
        File.WriteAllText(Path.Combine(ns1, "enable"), "0\n");
        await cluster.StartNodeAsync(Host, configfs, nvmetEvery: TimeSpan.FromMinutes(10), blockRoot: Blocks(cluster));  // no tick: healed by the registration's desired set
        await Eventually.True("the restarted node heals the namespace", () => P2pmem(ns1) == provider + "\n");
        await ShowsAsync(cluster, "t-1", NvmetState.Applied, provider);

        // Managed enable on an enabled namespace: disabled, set, enabled again.
        Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("t-2", Host, ["0000:03:00.0"], 1 << 20, new NvmeofTarget(Nqn, 2, null, ManageEnable: true))));
        var managed = await ShowsAsync(cluster, "t-2", NvmetState.Applied, null);
        Assert.True(managed.Enabled);
        Assert.Equal("1\n", File.ReadAllText(Path.Combine(ns2, "enable")));

        // A namespace deleted under us: missing, the placement kept.
        Directory.Delete(ns2, recursive: true);
        await cluster.StopNodeAsync(Host);
        await cluster.StartNodeAsync(Host, configfs, nvmetEvery: Every, blockRoot: Blocks(cluster));
        var missing = await ShowsAsync(cluster, "t-2", NvmetState.Missing, null);
        Assert.Contains("has no namespace 2", missing.Message, StringComparison.Ordinal);
        Assert.Equal(PlacementState.Committed, Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("t-2"))).Placement.State);

        // Right after the node's restart a release can time out (503, seen about once in three runs: its pool's first
        // journal write); it stays releasing and is retried, as a client does on 503.
        await Eventually.True("the release of t-1 is confirmed", async () => await cluster.Ask(new ReleasePlacement("t-1")) is PlacementFound);
        await Eventually.True("the released namespace reads 0", () => P2pmem(ns1) == "0\n");
        Assert.Null(Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("t-1"))).Placement.Nvmet);
    }

    private static async Task<NvmetStatus> ShowsAsync(TestCluster cluster, string id, NvmetState state, string? actual)
    {
        NvmetStatus? seen = null;
        await Eventually.True($"placement {id} shows nvmet {NvmetStates.Name(state)}{(actual is null ? "" : " reading " + actual)}", async () =>
        {
            seen = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(id))).Placement.Nvmet;
            return seen is not null && seen.State == state && (actual is null || seen.Actual == actual);
        });
        return seen!;
    }

    /// <summary>A namespace on the NVMe drive 0000:04:00.0, which the placements' provider serves.</summary>
    private static string Namespace(string configfs, int id, bool enabled = false) => FakeNvmet.Namespace(configfs, Nqn, id, Drive, enabled);

    private const string Drive = "/dev/nvme-test4n1";

    private static string Blocks(TestCluster cluster)
    {
        var root = cluster.Scratch("sysfs");
        if (!Directory.Exists(root))
        {
            FakeNvmet.BlockDevice(root, Path.GetFileName(Drive), "0000:04:00.0");
        }
        return root;
    }

    private static string P2pmem(string ns) => File.ReadAllText(Path.Combine(ns, "p2pmem"));
}
