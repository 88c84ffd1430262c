using System.Buffers.Binary;
using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Writes a topology as a sysfs tree in the capture format of <c>../shared/fixtures/sysfs</c>: attribute files with
/// the kernel's formatting, a synthesized config space (PCIe capability with the kind's port type, and the ACS
/// extended capability when a function has one), <c>p2pmem/</c>, and links either as real symlinks or as text
/// files holding the target (as the captures store them). Lets a node agent replay a declared host through
/// <c>--sysfs-root</c>, and gives discovery benchmarks a tree of any size.
/// </summary>
public static class SysfsTreeWriter
{
    public static void Write(HostTopology topology, string root, bool realSymlinks)
    {
        var devicesDir = Path.Combine(root, "sys", "bus", "pci", "devices");
        Directory.CreateDirectory(devicesDir);
        var sysDevices = Path.Combine(root, "sys", "devices");
        var dirs = new Dictionary<PciAddress, string>();
        foreach (var f in topology.Functions)
        {
            var dir = DirectoryOf(topology, f, sysDevices, dirs);
            Directory.CreateDirectory(dir);
            WriteAttributes(f, dir, realSymlinks);
            var relative = Path.GetRelativePath(devicesDir, dir);
            WriteLink(Path.Combine(devicesDir, f.Address.ToString()), relative, realSymlinks);
        }
    }

    private static string DirectoryOf(HostTopology topology, PciFunction f, string sysDevices, Dictionary<PciAddress, string> dirs)
    {
        if (dirs.TryGetValue(f.Address, out var known))
        {
            return known;
        }
        var parentDir = f.Parent is { } p
            ? DirectoryOf(topology, topology.Get(p), sysDevices, dirs)
            : Path.Combine(sysDevices, $"pci{f.Address.BusId}");
        var dir = Path.Combine(parentDir, f.Address.ToString());
        dirs[f.Address] = dir;
        return dir;
    }

    private static void WriteAttributes(PciFunction f, string dir, bool realSymlinks)
    {
        var inv = CultureInfo.InvariantCulture;
        // Unknown ids stay absent rather than invented; the reader reports them missing.
        if (f.Vendor is { } vendor)
        {
            Text(dir, "vendor", $"0x{vendor:x4}\n");
        }
        if (f.Device is { } device)
        {
            Text(dir, "device", $"0x{device:x4}\n");
        }
        var classCode = f.ClassCode ?? (f.IsBridge ? 0x060400 : 0);
        Text(dir, "class", $"0x{classCode:x6}\n");
        Text(dir, "subsystem_vendor", $"0x{f.SubsystemVendor ?? 0:x4}\n");
        Text(dir, "subsystem_device", $"0x{f.SubsystemDevice ?? 0:x4}\n");
        Text(dir, "revision", $"0x{f.Revision ?? 0:x2}\n");
        Text(dir, "numa_node", f.NumaNode.ToString(inv) + "\n");
        if (f.LocalCpus is { } cpus)
        {
            Text(dir, "local_cpulist", cpus + "\n");
        }
        foreach (var name in f.OsNames)
        {
            // The class directory the kernel would register the name under: nvme, infiniband (RDMA devices) or net.
            var classDir = name.StartsWith("nvme", StringComparison.Ordinal) ? "nvme" : name.Contains('_', StringComparison.Ordinal) ? "infiniband" : "net";
            Directory.CreateDirectory(Path.Combine(dir, classDir, name));
        }
        var link = f.Link;
        Text(dir, "current_link_speed", Speed(link?.Speed));
        Text(dir, "current_link_width", (link?.Width ?? 0).ToString(inv) + "\n");
        Text(dir, "max_link_speed", Speed(link?.MaxSpeed));
        Text(dir, "max_link_width", (link?.MaxWidth ?? 0).ToString(inv) + "\n");
        File.WriteAllBytes(Path.Combine(dir, "config"), Config(f, classCode));
        if (f.Driver is { } driver)
        {
            WriteLink(Path.Combine(dir, "driver"), $"../../../../bus/pci/drivers/{driver}", realSymlinks);
        }
        if (f.IommuGroup is { } group)
        {
            WriteLink(Path.Combine(dir, "iommu_group"), $"../../../../kernel/iommu_groups/{group}", realSymlinks);
        }
        if (f.PhysFn is { } pf)
        {
            WriteLink(Path.Combine(dir, "physfn"), $"../{pf}", realSymlinks);
        }
        if (f.P2pMem is { } pool)
        {
            var p2p = Path.Combine(dir, "p2pmem");
            Directory.CreateDirectory(p2p);
            Text(p2p, "size", pool.Size.ToString(inv) + "\n");
            Text(p2p, "available", pool.Available.ToString(inv) + "\n");
            Text(p2p, "published", pool.Published ? "1\n" : "0\n");
        }
    }

    private static string Speed(double? gts)
        => gts is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) + " GT/s PCIe\n" : "Unknown\n";

    /// <summary>
    /// 4 KiB of config space. Bridges get the bridge subsystem-vendor capability (standard ID 0x0D) first, as
    /// real switch ports do, so a reader that mistakes it for ACS is caught.
    /// </summary>
    private static byte[] Config(PciFunction f, int classCode)
    {
        var c = new byte[4096];
        BinaryPrimitives.WriteUInt16LittleEndian(c, (ushort)(f.Vendor ?? 0xFFFF));
        BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(2), (ushort)(f.Device ?? 0xFFFF));
        BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(6), 0x0010);
        c[0x08] = (byte)(f.Revision ?? 0);
        c[0x09] = (byte)classCode;
        c[0x0A] = (byte)(classCode >> 8);
        c[0x0B] = (byte)(classCode >> 16);
        c[0x0E] = (byte)(f.IsBridge ? 1 : 0);
        var pcie = 0x40;
        if (f.IsBridge)
        {
            c[0x34] = 0x40;
            c[0x40] = 0x0D;
            c[0x41] = 0x50;
            pcie = 0x50;
        }
        else
        {
            c[0x34] = 0x40;
        }
        c[pcie] = 0x10;
        c[pcie + 1] = 0;
        var type = f.Kind switch
        {
            DeviceKind.RootPort => 4,
            DeviceKind.SwitchUpstream => 5,
            DeviceKind.SwitchDownstream => 6,
            DeviceKind.Bridge => 7,
            DeviceKind.RcEndpoint => 9,
            _ => 0,
        };
        BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(pcie + 2), (ushort)(2 | (type << 4)));
        var acs = f.AcsControl ?? (f.AcsRedirect ? 0x1D : (int?)null);
        if (acs is { } control)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(c.AsSpan(0x100), 0x000D | (1 << 16));
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0x104), 0x005F);
            BinaryPrimitives.WriteUInt16LittleEndian(c.AsSpan(0x106), (ushort)control);
        }
        return c;
    }

    private static void Text(string dir, string name, string text) => File.WriteAllText(Path.Combine(dir, name), text);

    private static void WriteLink(string path, string target, bool realSymlink)
    {
        if (realSymlink)
        {
            File.CreateSymbolicLink(path, target);
        }
        else
        {
            File.WriteAllText(path, target);
        }
    }
}
