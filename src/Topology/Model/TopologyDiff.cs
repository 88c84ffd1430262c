using System.Globalization;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Topology.Model;

/// <summary>
/// What changed between two readings of one host's PCI tree (issue 13): functions added or removed (hot plug, a
/// driver unbound), moved under another upstream bridge, a link that trained to another speed or width, ACS
/// redirect switched, a NUMA node changed, p2pmem appearing or going. Pool figures (<c>available</c>) are not
/// topology: the live pool poll reports those.
/// </summary>
public static class TopologyDiff
{
    public static List<TopologyChangeDocument> Compare(HostTopology before, HostTopology after)
    {
        var changes = new List<TopologyChangeDocument>();
        var old = before.Functions.ToDictionary(f => f.Address);
        var now = after.Functions.ToDictionary(f => f.Address);
        foreach (var gone in before.Functions.Where(f => !now.ContainsKey(f.Address)))
        {
            changes.Add(Change(gone, "removed", Describe(gone), null));
        }
        foreach (var added in after.Functions.Where(f => !old.ContainsKey(f.Address)))
        {
            changes.Add(Change(added, "added", null, Describe(added)));
        }
        foreach (var f in after.Functions.Where(f => old.ContainsKey(f.Address)))
        {
            var o = old[f.Address];
            if (o.Parent != f.Parent)
            {
                changes.Add(Change(f, "upstream", o.Parent?.ToString() ?? "host bridge", f.Parent?.ToString() ?? "host bridge"));
            }
            if (Link(o.Link) != Link(f.Link))
            {
                changes.Add(Change(f, "link", Link(o.Link), Link(f.Link)));
            }
            if (o.AcsRedirect != f.AcsRedirect)
            {
                changes.Add(Change(f, "acs-redirect", On(o.AcsRedirect), On(f.AcsRedirect)));
            }
            if (o.NumaNode != f.NumaNode)
            {
                changes.Add(Change(f, "numa", o.NumaNode.ToString(CultureInfo.InvariantCulture), f.NumaNode.ToString(CultureInfo.InvariantCulture)));
            }
            if ((o.P2pMem?.Size ?? 0) != (f.P2pMem?.Size ?? 0))
            {
                changes.Add(Change(f, "p2pmem", P2pMem(o), P2pMem(f)));
            }
        }
        return changes;
    }

    private static TopologyChangeDocument Change(PciFunction f, string kind, string? before, string? after)
        => new() { Function = f.Address.ToString(), Kind = kind, Before = before, After = after };

    private static string Describe(PciFunction f) => $"{f.Kind}{(f.P2pMem is { Size: > 0 } m ? $", p2pmem {m.Size} bytes" : string.Empty)}";

    /// <summary>A link as <c>8 GT/s x4 (max 16 GT/s x4)</c>: what an operator compares with <c>lspci -vv</c>'s LnkSta and LnkCap.</summary>
    public static string Link(LinkInfo? link)
        => link is null ? "none"
            : $"{Speed(link.Speed)} x{Width(link.Width)} (max {Speed(link.MaxSpeed)} x{Width(link.MaxWidth)})";

    private static string Speed(double? s) => s is { } v ? v.ToString("0.#", CultureInfo.InvariantCulture) + " GT/s" : "?";

    private static string Width(int? w) => w?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string On(bool b) => b ? "on" : "off";

    private static string P2pMem(PciFunction f) => f.P2pMem is { Size: > 0 } m ? $"{m.Size} bytes" : "none";
}
