using System.Text.RegularExpressions;
using Orchestrator.Protocol;

namespace Orchestrator.Topology.Sysfs;

/// <summary>Which PCI function a block device sits under, or why none can serve p2pmem: what the kernel checks when an nvmet namespace is enabled.</summary>
public sealed record BlockDeviceFunction(string BlockDevice, PciAddress? Function, string? Driver, string? Problem);

/// <summary>
/// Resolves a block device (<c>nvme0n1</c>, <c>/dev/nvme0n1</c>, or a symlink to it such as <c>/dev/disk/by-id/…</c>)
/// to the PCI function nearest above it in the device tree, from <c>&lt;root&gt;/sys/class/block/&lt;name&gt;</c>'s link
/// (<c>../../devices/pci0000:00/…/0000:03:00.0/nvme/nvme0/nvme0n1</c>). That is the device nvmet's
/// <c>nvmet_p2pmem_ns_enable</c> hands to <c>pci_p2pdma_distance</c> (it walks up to the first PCI parent); a device
/// with none (loop, md, device-mapper, an NVMe multipath head under <c>/sys/devices/virtual</c>) or whose function is
/// not driven by <c>nvme</c> (only NVMe PCI queues support P2PDMA) is refused there, and is refused here with the reason.
/// </summary>
public sealed partial class BlockDeviceFunctions(string root)
{
    /// <summary>The only PCI driver whose block queues take peer-to-peer DMA (BLK_FEAT_PCI_P2PDMA).</summary>
    public const string P2pDriver = "nvme";

    public BlockDeviceFunction Resolve(string devicePath)
    {
        var name = Path.GetFileName(FinalTarget(devicePath).TrimEnd('/'));
        var classLink = Path.Combine(root, "sys", "class", "block", name);
        if (name.Length == 0 || SysfsFiles.ReadLink(classLink) is not { } target)
        {
            return new BlockDeviceFunction(name, null, null,
                $"'{devicePath}' is not a block device listed in {Path.Combine(root, "sys", "class", "block")}: a file-backed namespace, "
                + "which the kernel serves without p2pmem (\"peer-to-peer DMA is not supported by non-block device namespaces\")");
        }
        var function = target.Split('/').Where(s => Bdf().IsMatch(s)).Select(PciAddress.Parse).Cast<PciAddress?>().LastOrDefault();
        if (function is not { } pci)
        {
            return new BlockDeviceFunction(name, null, null,
                $"block device {name} ({classLink} → {target}) sits under no PCI function (a virtual device: loop, md, device-mapper or an NVMe multipath head): "
                + "the kernel's P2PDMA check needs a PCI device above it and finds none");
        }
        var driver = SysfsFiles.ReadLinkName(Path.Combine(root, "sys", "bus", "pci", "devices", pci.ToString(), "driver"));
        return driver is not null && driver != P2pDriver
            ? new BlockDeviceFunction(name, pci, driver, $"block device {name} is on {pci}, driven by {driver}: only NVMe PCI namespaces (driver {P2pDriver}) take p2pmem")
            : new BlockDeviceFunction(name, pci, driver, null);
    }

    /// <summary>A <c>/dev</c> symlink followed to its device node on the live system; any other path as given.</summary>
    private static string FinalTarget(string path)
    {
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            return path;
        }
    }

    [GeneratedRegex("^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]$")]
    private static partial Regex Bdf();
}
