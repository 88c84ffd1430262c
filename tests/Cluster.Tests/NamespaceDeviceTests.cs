using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Issue 17 over real remoting: the node says which PCI function backs a placement's nvmet namespace (configfs
/// <c>device_path</c>, then sysfs, laid out as the kernel does) and the controller places for it too, as the kernel
/// checks it at enable. A namespace that does not exist or sits on no PCI function is refused (422) unless the request
/// asks for no apply; clients that name another drive contradict the node (400).
/// </summary>
public sealed class NamespaceDeviceTests
{
    private const string Host = "storage-01";
    private const string Nic = "0000:03:00.0";
    private const string DriveB = "0000:05:00.0";
    private const string DriveC = "0000:06:00.0";
    private const string Nqn = "nqn.2014-08.org.example:target-1";
    private const long MiB = 1 << 20;

    [Fact]
    public async Task A_placement_for_the_nic_alone_is_placed_for_the_namespaces_drive_too()
    {
        await using var cluster = new TestCluster();
        var configfs = cluster.Scratch("configfs");
        var blocks = cluster.Scratch("sysfs");
        var onC = FakeNvmet.Namespace(configfs, Nqn, 1, "/dev/nvme-t6n1");
        FakeNvmet.BlockDevice(blocks, "nvme-t6n1", DriveC);
        var onMd = FakeNvmet.Namespace(configfs, Nqn, 3, "/dev/md-t0");
        FakeNvmet.BlockDevice(blocks, "md-t0", null);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host, configfs, nvmetEvery: TimeSpan.FromMilliseconds(300), blockRoot: blocks);
        await cluster.WaitForHostsAsync(Host);

        var explained = await cluster.Ask<PlacementExplanation>(new ExplainPlacement(Host, [Nic], MiB, Nvmeof: new NvmeofTarget(Nqn, 1, null)));
        Assert.Equal(DriveC, explained.NamespaceDevice);

        var placed = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("ns-c", Host, [Nic], MiB, new NvmeofTarget(Nqn, 1, null))));
        Assert.Equal(DriveC, placed.Placement.NamespaceDevice);
        Assert.Equal([Nic, DriveC], placed.Placement.Clients);
        Assert.Equal(explained.Provider, placed.Placement.Provider);
        var chosen = placed.Explanation!.Candidates.Single(c => c.Provider == placed.Placement.Provider);
        var forDrive = chosen.Clients.Single(v => v.Client == DriveC);
        Assert.Equal(("namespace device", true), (forDrive.Role, forDrive.MapType != "NOT_SUPPORTED"));
        await Eventually.True("the namespace reads the provider", () => File.ReadAllText(Path.Combine(onC, "p2pmem")) == placed.Placement.Provider + "\n");
        Assert.Equal(DriveC, Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("ns-c"))).Placement.NamespaceDevice);

        // The same request twice at once: both asks resolve the namespace, the second is answered as a retry of the first.
        var twice = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => cluster.Ask(new PlaceBuffer("ns-twice", Host, [Nic], MiB, new NvmeofTarget(Nqn, 1, null)))));
        Assert.All(twice, a => Assert.Equal("ns-twice", Assert.IsType<PlacementAccepted>(a).Placement.PlacementId));
        Assert.Single((await cluster.HeldOn(Host)).Keys, k => k == "ns-twice");

        var contradicted = Assert.IsType<PlacementRejected>(await cluster.Ask(new PlaceBuffer("ns-b", Host, [Nic, DriveB], MiB, new NvmeofTarget(Nqn, 1, null))));
        Assert.Equal(PlacementErrorKind.Invalid, contradicted.Kind);
        Assert.Contains($"clients list NVMe controller {DriveB} and not {DriveC}", contradicted.Message, StringComparison.Ordinal);

        var missing = Assert.IsType<PlacementRejected>(await cluster.Ask(new PlaceBuffer("ns-2", Host, [Nic], MiB, new NvmeofTarget(Nqn, 2, null))));
        Assert.Equal(PlacementErrorKind.UnusableNamespace, missing.Kind);
        Assert.Contains($"subsystem '{Nqn}' has no namespace 2", missing.Message, StringComparison.Ordinal);
        Assert.IsType<PlacementRejected>(await cluster.Ask(new GetPlacement("ns-2")));  // refused before anything was journaled

        var virtualDevice = Assert.IsType<PlacementRejected>(await cluster.Ask(new PlaceBuffer("ns-3", Host, [Nic], MiB, new NvmeofTarget(Nqn, 3, null))));
        Assert.Equal(PlacementErrorKind.UnusableNamespace, virtualDevice.Kind);
        Assert.Contains("sits under no PCI function", virtualDevice.Message, StringComparison.Ordinal);

        // Asked for explicitly: placed for the listed clients, with a note, and nothing is ever written to the namespace.
        var unapplied = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("ns-3b", Host, [Nic], MiB, new NvmeofTarget(Nqn, 3, null, Apply: false))));
        Assert.Null(unapplied.Placement.NamespaceDevice);
        Assert.Equal([Nic], unapplied.Placement.Clients);
        Assert.Contains(unapplied.Explanation!.Warnings, w => w.Contains("nothing applied (nvmeof.apply is false)", StringComparison.Ordinal));
        await cluster.StopNodeAsync(Host);
        await cluster.StartNodeAsync(Host, configfs, nvmetEvery: TimeSpan.FromMilliseconds(300), blockRoot: blocks);  // the registration's desired set
        await Eventually.True("the applied placement reads applied again", async ()
            => Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("ns-c"))).Placement.Nvmet?.State == Protocol.Node.NvmetState.Applied);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(onMd, "p2pmem")));
        Assert.Null(Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("ns-3b"))).Placement.Nvmet);
    }
}
