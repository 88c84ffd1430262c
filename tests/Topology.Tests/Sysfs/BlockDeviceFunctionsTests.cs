using Orchestrator.Protocol;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Topology.Tests.Sysfs;

/// <summary>A block device to the PCI function nvmet's enable checks (issue 17), from sysfs links in the kernel's layout.</summary>
public sealed class BlockDeviceFunctionsTests : IDisposable
{
    private readonly TempDirectory root = new();

    public void Dispose() => root.Dispose();

    [Theory]
    [InlineData("/dev/nvme-t0n1")]
    [InlineData("nvme-t0n1")]
    public void An_nvme_namespace_resolves_to_the_function_nearest_above_it(string devicePath)
    {
        FakeNvmet.BlockDevice(root.Path, "nvme-t0n1", "0000:03:00.0");
        var resolved = new BlockDeviceFunctions(root.Path).Resolve(devicePath);
        Assert.Null(resolved.Problem);
        Assert.Equal(PciAddress.Parse("0000:03:00.0"), resolved.Function);
        Assert.Equal(("nvme-t0n1", "nvme"), (resolved.BlockDevice, resolved.Driver));
    }

    [Fact]
    public void A_partition_resolves_to_its_disks_function()
    {
        var classBlock = root.Combine("sys", "class", "block");
        Directory.CreateDirectory(classBlock);
        File.CreateSymbolicLink(Path.Combine(classBlock, "nvme-t0n1p2"), "../../devices/pci0000:00/0000:00:02.0/0000:01:00.0/0000:02:00.0/0000:03:00.0/nvme/nvme0/nvme-t0n1/nvme-t0n1p2");
        Assert.Equal(PciAddress.Parse("0000:03:00.0"), new BlockDeviceFunctions(root.Path).Resolve("/dev/nvme-t0n1p2").Function);
    }

    [Fact]
    public void A_file_is_refused_as_the_kernel_refuses_file_backed_namespaces()
    {
        var resolved = new BlockDeviceFunctions(root.Path).Resolve("/srv/images/ns1.img");
        Assert.Null(resolved.Function);
        Assert.Contains("'/srv/images/ns1.img' is not a block device listed in", resolved.Problem, StringComparison.Ordinal);
        Assert.Contains("not supported by non-block device namespaces", resolved.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_virtual_block_device_is_refused_with_its_link()
    {
        FakeNvmet.BlockDevice(root.Path, "loop-t7", null);
        var resolved = new BlockDeviceFunctions(root.Path).Resolve("/dev/loop-t7");
        Assert.Null(resolved.Function);
        Assert.Contains("devices/virtual/block/loop-t7) sits under no PCI function", resolved.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_block_device_of_another_driver_is_refused_naming_the_driver()
    {
        FakeNvmet.BlockDevice(root.Path, "vdt", "0000:00:04.0", driver: "virtio-pci");
        var resolved = new BlockDeviceFunctions(root.Path).Resolve("/dev/vdt");
        Assert.Equal(PciAddress.Parse("0000:00:04.0"), resolved.Function);
        Assert.Equal("block device vdt is on 0000:00:04.0, driven by virtio-pci: only NVMe PCI namespaces (driver nvme) take p2pmem", resolved.Problem);
    }
}
