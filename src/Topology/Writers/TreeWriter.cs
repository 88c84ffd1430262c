using System.Globalization;
using System.Text;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Writers;

/// <summary>
/// An annotated tree in the spirit of <c>lspci -tv</c>: every function with its kind, ids, label, NUMA node,
/// ACS redirect and p2pmem pool, one host bridge after another.
/// </summary>
public static class TreeWriter
{
    public static string Write(HostTopology topology)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"host {topology.Host}  cpu {CpuText(topology.Cpu)}\n");
        var children = topology.Functions.Where(f => f.Parent is not null).ToLookup(f => f.Parent!.Value);
        foreach (var bridge in topology.HostBridges)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{bridge}  numa {bridge.NumaNode}");
            if (bridge.FirstVendor is { } v && bridge.FirstDevice is { } d)
            {
                sb.Append(CultureInfo.InvariantCulture, $"  first {bridge.FirstFunction} [{v:x4}:{d:x4}]{(bridge.FirstIsEligible ? string.Empty : " (not 00.0 nor a root port)")}");
            }
            sb.Append('\n');
            var roots = topology.Functions.Where(f => f.Parent is null && f.Address.BusId == bridge.Root).ToList();
            WriteLevel(sb, roots, children, string.Empty);
        }
        return sb.ToString();
    }

    private static void WriteLevel(StringBuilder sb, List<PciFunction> level, ILookup<Protocol.PciAddress, PciFunction> children, string indent)
    {
        for (var i = 0; i < level.Count; i++)
        {
            var last = i == level.Count - 1;
            var f = level[i];
            sb.Append(indent).Append(last ? "\\-" : "+-").Append(Describe(f)).Append('\n');
            WriteLevel(sb, children[f.Address].ToList(), children, indent + (last ? "  " : "| "));
        }
    }

    public static string Describe(PciFunction f)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{f.Address} {Protocol.Topology.DeviceKindNames.ToWire(f.Kind)}");
        if (f.OsName is { } os)
        {
            sb.Append(' ').Append(os);
        }
        if (f.Label is { Length: > 0 } label)
        {
            sb.Append("  ").Append(label);
        }
        if (f.Vendor is { } v && f.Device is { } d)
        {
            sb.Append(CultureInfo.InvariantCulture, $" [{v:x4}:{d:x4}]");
        }
        if (f.NumaNode >= 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $" numa {f.NumaNode}");
        }
        if (f.PhysFn is { } pf)
        {
            sb.Append(CultureInfo.InvariantCulture, $" vf-of {pf}");
        }
        if (f.AcsRedirect)
        {
            sb.Append(" ACS-redirect");
        }
        if (f.P2pMem is { } p)
        {
            sb.Append(CultureInfo.InvariantCulture, $" p2pmem {Bytes(p.Size)} ({Bytes(p.Available)} available, {(p.Published ? "published" : "unpublished")})");
        }
        return sb.ToString();
    }

    public static string CpuText(CpuInfo cpu) => cpu.Vendor is null
        ? "unknown (not treated as AMD Zen)"
        : $"{cpu.Vendor} family {cpu.Family?.ToString(CultureInfo.InvariantCulture) ?? "?"}{(cpu.IsAmdZen ? " (AMD Zen: host-bridge P2P allowed)" : string.Empty)}";

    /// <summary>Bytes in binary units, exact to one decimal.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : value.ToString(value % 1 == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
