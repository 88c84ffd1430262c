using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A link that trains down under a placement (issue 13), on a sysfs tree written as the kernel lays it out: a rescan
/// asked through the controller names the change, the placement whose bottleneck changed is flagged with its verdicts
/// before and after, found by the affected filter, and kept; a placement the change does not touch is not flagged.
/// </summary>
public sealed class TopologyChangeTests
{
    private const string Host = "storage-01";
    private const string Client = "0000:03:00.0";

    [Fact]
    public async Task A_link_trained_down_is_reported_and_flags_the_placements_it_affects()
    {
        await using var cluster = new TestCluster();
        var root = cluster.Scratch("sysfs");
        SysfsTreeWriter.Write(TopologyFile.Read(TestCluster.Topology(Host)), root, realSymlinks: true);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host, sysfsRoot: root);
        await cluster.WaitForHostsAsync(Host);
        var placed = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("over-the-link", Host, [Client], 1 << 20))).Placement;
        var before = (await cluster.Ask<ControllerStats>(new GetControllerStats())).Placements;

        var width = Path.Combine(root, "sys", "bus", "pci", "devices", Client, "current_link_width");
        var was = File.ReadAllText(width).Trim();
        Assert.NotEqual("1", was);
        File.WriteAllText(width, "1\n");
        var rescan = Assert.IsType<RescanCompleted>(await cluster.Ask(new RescanHost(Host)));
        var change = Assert.Single(rescan.Changes!);
        Assert.Equal((Client, "link"), (change.Function, change.Kind));
        Assert.Contains($"x{was} ", change.Before, StringComparison.Ordinal);
        Assert.Contains("x1 ", change.After, StringComparison.Ordinal);

        TopologyImpact? impact = null;
        await Eventually.True("the placement is flagged", async () =>
            (impact = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(placed.PlacementId))).Placement.Affected) is not null);
        Assert.NotEqual(impact!.Before, impact.After);
        Assert.Contains("bottleneck", impact.After, StringComparison.Ordinal);
        Assert.Equal("link", Assert.Single(impact.Changes).Kind);
        Assert.Equal(placed.PlacementId, Assert.Single((await cluster.Ask<PlacementList>(new ListPlacements(Affected: true))).Placements).PlacementId);
        Assert.Equal(PlacementState.Committed, Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(placed.PlacementId))).Placement.State);
        Assert.Equal(before, (await cluster.Ask<ControllerStats>(new GetControllerStats())).Placements);

        // A placement made on the new tree is not affected by the change that came before it.
        var later = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("after-the-change", Host, [Client], 1 << 20))).Placement;
        Assert.Null(Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement(later.PlacementId))).Placement.Affected);
        Assert.Empty(Assert.IsType<RescanCompleted>(await cluster.Ask(new RescanHost(Host))).Changes!);
    }
}
