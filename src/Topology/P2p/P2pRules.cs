using System.Text;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.P2p;

/// <summary>
/// The Linux P2PDMA rules for one host (ARCHITECTURE §5.1, §5.2, §5.5), precomputed so that a verdict is a few
/// array reads: for every function its upstream element (a VF uses its PF's), depth, ancestor row and the
/// running count of ACS-redirect elements from the root; for every host bridge its allow-list judgement.
/// <see cref="Verdict(int, int)"/> reproduces <c>calc_map_type_and_dist</c> and allocates nothing.
/// </summary>
public sealed class P2pRules
{
    // Everything a verdict reads about one function, in one struct: one cache line per function on the hot path.
    private readonly PathNode[] nodes;
    private readonly int[] ancestors;
    private readonly bool[] bridgeAllowedSame;
    private readonly bool[] bridgeAllowedAcross;

    public P2pRules(HostTopology topology, HostBridgeAllowList? allowList = null)
    {
        Topology = topology;
        AllowList = allowList ?? HostBridgeAllowList.Kernel;
        CpuSupportsP2p = topology.Cpu.IsAmdZen;
        var functions = topology.Functions;
        var n = functions.Count;
        nodes = new PathNode[n];
        var ancestorStart = new int[n + 1];

        for (var i = 0; i < n; i++)
        {
            // pci_upstream_bridge(): a VF's upstream bridge is its PF's.
            var f = functions[i];
            var upstreamOf = f.PhysFn is { } pf ? topology.Find(pf)! : f;
            nodes[i].Up = upstreamOf.Parent is { } parent ? topology.IndexOf(parent) : -1;
            nodes[i].Acs = f.AcsRedirect;
        }
        var order = Enumerable.Range(0, n).ToArray();
        var depthKnown = new bool[n];
        for (var i = 0; i < n; i++)
        {
            Depth(i, depthKnown);
        }
        Array.Sort(order, (a, b) => nodes[a].Depth.CompareTo(nodes[b].Depth));
        foreach (var i in order)
        {
            nodes[i].Top = nodes[i].Up < 0 ? i : nodes[nodes[i].Up].Top;
            nodes[i].AcsFromRoot = (nodes[i].Up < 0 ? 0 : nodes[nodes[i].Up].AcsFromRoot) + (nodes[i].Acs ? 1 : 0);
        }
        for (var i = 0; i < n; i++)
        {
            ancestorStart[i + 1] = ancestorStart[i] + nodes[i].Depth + 1;
        }
        ancestors = new int[ancestorStart[n]];
        for (var i = 0; i < n; i++)
        {
            nodes[i].AncestorStart = ancestorStart[i];
        }
        for (var i = 0; i < n; i++)
        {
            for (int x = i, d = nodes[i].Depth; x >= 0; x = nodes[x].Up, d--)
            {
                ancestors[ancestorStart[i] + d] = x;
            }
        }

        var bridges = topology.HostBridges;
        bridgeAllowedSame = new bool[bridges.Count];
        bridgeAllowedAcross = new bool[bridges.Count];
        for (var b = 0; b < bridges.Count; b++)
        {
            var judgement = AllowList.Judge(bridges[b]).Judgement;
            bridgeAllowedSame[b] = judgement is HostBridgeJudgement.Allowed or HostBridgeJudgement.SameHostBridgeOnly;
            bridgeAllowedAcross[b] = judgement is HostBridgeJudgement.Allowed;
        }
        var bridgeIndex = bridges.Select((b, idx) => (b.Root, idx)).ToDictionary(x => x.Root, x => x.idx);
        for (var i = 0; i < n; i++)
        {
            nodes[i].HostBridge = bridgeIndex[functions[nodes[i].Top].Address.BusId];
        }
    }

    public HostTopology Topology { get; }
    public HostBridgeAllowList AllowList { get; }

    /// <summary>Linux <c>cpu_supports_p2pdma</c>: AMD Zen or newer routes any pair through the host bridge.</summary>
    public bool CpuSupportsP2p { get; }

    public int Count => nodes.Length;

    public int IndexOf(PciAddress address) => Topology.IndexOf(address);

    /// <summary>The verdict for two functions given by address; an error names an address the host lacks.</summary>
    public P2pVerdict Verdict(PciAddress provider, PciAddress client)
        => Verdict(RequireIndex(provider), RequireIndex(client));

    /// <summary>
    /// <c>calc_map_type_and_dist</c>: nearest common element A of the two upstream chains; distance = hops to A
    /// from each side (or the two chain lengths when there is none); ACS redirect on the provider's chain up to
    /// and including A, or on the client's chain below A, routes through the host bridge.
    /// </summary>
    public P2pVerdict Verdict(int provider, int client)
    {
        var dp = nodes[provider].Depth;
        var dc = nodes[client].Depth;
        if (nodes[provider].Top != nodes[client].Top)
        {
            return new P2pVerdict(HostBridgeRoute(provider, client), dp + 1 + dc + 1, false, -1);
        }
        var d = Math.Min(dp, dc);
        var rowP = nodes[provider].AncestorStart;
        var rowC = nodes[client].AncestorStart;
        while (ancestors[rowP + d] != ancestors[rowC + d])
        {
            d--;
        }
        var common = ancestors[rowP + d];
        var acsProviderSide = nodes[provider].AcsFromRoot - nodes[common].AcsFromRoot + (nodes[common].Acs ? 1 : 0);
        var acsClientSide = nodes[client].AcsFromRoot - nodes[common].AcsFromRoot;
        var distance = dp - d + dc - d;
        if (acsProviderSide + acsClientSide == 0)
        {
            return new P2pVerdict(MapType.BusAddr, distance, false, common);
        }
        return new P2pVerdict(HostBridgeRoute(provider, client), distance, true, common);
    }

    private MapType HostBridgeRoute(int provider, int client)
    {
        if (CpuSupportsP2p)
        {
            return MapType.ThruHostBridge;
        }
        var hp = nodes[provider].HostBridge;
        var hc = nodes[client].HostBridge;
        var allowed = hp == hc ? bridgeAllowedSame[hp] : bridgeAllowedAcross[hp] && bridgeAllowedAcross[hc];
        return allowed ? MapType.ThruHostBridge : MapType.NotSupported;
    }

    /// <summary>
    /// <c>pci_p2pdma_distance_many</c>: the sum of the client distances, or -1 when there is no client or any
    /// client is not supported.
    /// </summary>
    public int DistanceMany(int provider, ReadOnlySpan<int> clients)
    {
        if (clients.Length == 0)
        {
            return -1;
        }
        var sum = 0;
        foreach (var c in clients)
        {
            var v = Verdict(provider, c);
            if (v.MapType == MapType.NotSupported)
            {
                return -1;
            }
            sum += v.Distance;
        }
        return sum;
    }

    /// <summary>
    /// The operator level of a pair (§5.5). A switch (upstream port with its downstream ports) counts as one
    /// bridge, and so does a root port; across host bridges the level is SYS only when both NUMA nodes are known
    /// and differ.
    /// </summary>
    public P2pLevel Level(int a, int b)
    {
        if (a == b)
        {
            return P2pLevel.X;
        }
        if (nodes[a].Top != nodes[b].Top)
        {
            if (nodes[a].HostBridge == nodes[b].HostBridge)
            {
                return P2pLevel.PHB;
            }
            var na = Topology.HostBridges[nodes[a].HostBridge].NumaNode;
            var nb = Topology.HostBridges[nodes[b].HostBridge].NumaNode;
            return na >= 0 && nb >= 0 && na != nb ? P2pLevel.SYS : P2pLevel.NODE;
        }
        var d = Math.Min(nodes[a].Depth, nodes[b].Depth);
        while (ancestors[nodes[a].AncestorStart + d] != ancestors[nodes[b].AncestorStart + d])
        {
            d--;
        }
        var common = ancestors[nodes[a].AncestorStart + d];
        var units = 0;
        units += BridgeUnitsBelow(a, common);
        units += BridgeUnitsBelow(b, common);
        if (common != a && common != b)
        {
            units++;
        }
        return units <= 1 ? P2pLevel.PIX : P2pLevel.PXB;
    }

    /// <summary>Bridge units strictly between <paramref name="x"/> and <paramref name="common"/> (excluding both).</summary>
    private int BridgeUnitsBelow(int x, int common)
    {
        var units = 0;
        var functions = Topology.Functions;
        for (var e = nodes[x].Up; e >= 0 && e != common; e = nodes[e].Up)
        {
            // A downstream port is part of the switch its upstream port already counts for.
            var partOfSwitch = functions[e].Kind == DeviceKind.SwitchDownstream && nodes[e].Up >= 0
                && functions[nodes[e].Up].Kind == DeviceKind.SwitchUpstream;
            if (!partOfSwitch)
            {
                units++;
            }
        }
        return units;
    }

    /// <summary>
    /// The narrowest link (GT/s × lanes) a transfer between the two crosses: every function's upstream link from each
    /// end up to, not including, the common bridge (or up to the root ports when there is none). Null when no link on
    /// the path is known.
    /// </summary>
    public double? BottleneckBandwidth(int a, int b) => BottleneckLink(a, b)?.Bandwidth;

    /// <summary>That narrowest link itself (rate and width), or null.</summary>
    public LinkInfo? BottleneckLink(int a, int b)
    {
        var common = Verdict(a, b).CommonIndex;
        LinkInfo? narrowest = null;
        foreach (var end in new[] { a, b })
        {
            for (var e = end; e >= 0 && e != common; e = nodes[e].Up)
            {
                if (Topology.Functions[e].Link is { Bandwidth: { } bandwidth } link && (narrowest is null || bandwidth < narrowest.Bandwidth))
                {
                    narrowest = link;
                }
            }
        }
        return narrowest;
    }

    /// <summary>The verdict with the kernel's wording for why, and the <c>disable_acs_redir</c> hint when ACS is the cause.</summary>
    public P2pExplanation Explain(int provider, int client)
    {
        var verdict = Verdict(provider, client);
        var functions = Topology.Functions;
        var p = functions[provider].Address;
        var c = functions[client].Address;
        var reason = new StringBuilder();
        string? hint = null;
        if (verdict.AcsRedirectOnPath)
        {
            var redirecting = AcsRedirectingOnPath(provider, client, verdict.CommonIndex);
            reason.Append($"ACS redirect is set between the client and provider ({p})");
            hint = $"pci=disable_acs_redir={string.Join(';', redirecting)}";
            reason.Append($"; to disable ACS redirect for this path, add the kernel parameter: {hint}");
        }
        if (verdict.MapType == MapType.BusAddr)
        {
            reason.Append(provider == client
                ? "provider and client are the same function"
                : $"provider and client share upstream bridge {functions[verdict.CommonIndex].Address}");
        }
        else
        {
            if (reason.Length > 0)
            {
                reason.Append("; ");
            }
            if (verdict.MapType == MapType.NotSupported)
            {
                reason.Append($"cannot be used for peer-to-peer DMA as the client and provider ({p}) do not share an upstream bridge or whitelisted host bridge");
                reason.Append(HostBridgeDetail(provider, client));
            }
            else
            {
                reason.Append(CpuSupportsP2p
                    ? $"routed through the host bridge: {Topology.Cpu.Vendor} family {Topology.Cpu.Family} (AMD Zen or newer) supports it"
                    : $"routed through allow-listed host bridge{(nodes[provider].HostBridge == nodes[client].HostBridge ? string.Empty : "s")} {HostBridgeNames(provider, client)}");
                if (!CpuSupportsP2p && UsesOperatorEntry(provider, client))
                {
                    reason.Append("; warning: ").Append(HostBridgeAllowList.OperatorEntryWarning);
                }
            }
        }
        return new P2pExplanation(p, c, verdict, Level(provider, client), reason.ToString(), hint);
    }

    /// <summary>The bridges whose ACS redirect forces the detour, in the kernel's order (provider side, then client side).</summary>
    private List<PciAddress> AcsRedirectingOnPath(int provider, int client, int common)
    {
        var list = new List<PciAddress>();
        var functions = Topology.Functions;
        for (var e = provider; e >= 0; e = nodes[e].Up)
        {
            if (nodes[e].Acs)
            {
                list.Add(functions[e].Address);
            }
            if (e == common)
            {
                break;
            }
        }
        for (var e = client; e >= 0 && e != common; e = nodes[e].Up)
        {
            if (nodes[e].Acs)
            {
                list.Add(functions[e].Address);
            }
        }
        return list;
    }

    private string HostBridgeNames(int provider, int client)
    {
        var bp = Topology.HostBridges[nodes[provider].HostBridge];
        var bc = Topology.HostBridges[nodes[client].HostBridge];
        return bp == bc ? Describe(bp) : $"{Describe(bp)} and {Describe(bc)}";
    }

    private static string Describe(HostBridge b)
        => b.FirstVendor is { } v && b.FirstDevice is { } d ? $"{b} ({v:x4}:{d:x4})" : b.ToString();

    private string HostBridgeDetail(int provider, int client)
    {
        var same = nodes[provider].HostBridge == nodes[client].HostBridge;
        var parts = new List<string>();
        foreach (var bi in same ? new[] { nodes[provider].HostBridge } : new[] { nodes[provider].HostBridge, nodes[client].HostBridge })
        {
            var bridge = Topology.HostBridges[bi];
            var (judgement, _) = AllowList.Judge(bridge);
            parts.Add(judgement switch
            {
                HostBridgeJudgement.NoEligibleFunction => $"host bridge {bridge} has no 00.0 function or root port first on its root bus",
                HostBridgeJudgement.NotListed => $"Host bridge not in P2PDMA whitelist: {bridge.FirstVendor:x4}:{bridge.FirstDevice:x4}",
                HostBridgeJudgement.SameHostBridgeOnly when !same => $"host bridge {Describe(bridge)} is allowed only within itself",
                _ => string.Empty,
            });
        }
        var detail = string.Join("; ", parts.Where(s => s.Length > 0));
        var cpu = Topology.Cpu.Vendor is null ? "CPU unknown (not treated as AMD Zen)" : $"CPU {Topology.Cpu.Vendor} family {Topology.Cpu.Family?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} is not AMD Zen";
        return detail.Length > 0 ? $" ({detail}; {cpu})" : $" ({cpu})";
    }

    private bool UsesOperatorEntry(int provider, int client)
        => AllowList.Judge(Topology.HostBridges[nodes[provider].HostBridge]).Entry?.OperatorAdded == true
           || AllowList.Judge(Topology.HostBridges[nodes[client].HostBridge]).Entry?.OperatorAdded == true;

    /// <summary>The index of a function, or an error naming the host and the unknown address.</summary>
    public int RequireIndex(PciAddress address)
    {
        var i = Topology.IndexOf(address);
        return i >= 0 ? i : throw new TopologyException($"unknown device {address} on host '{Topology.Host}'");
    }

    /// <summary>Upstream element of a function in the kernel's sense (-1 on a root bus).</summary>
    public int Upstream(int index) => nodes[index].Up;

    private int Depth(int i, bool[] known)
    {
        if (known[i])
        {
            return nodes[i].Depth;
        }
        nodes[i].Depth = nodes[i].Up < 0 ? 0 : Depth(nodes[i].Up, known) + 1;
        known[i] = true;
        return nodes[i].Depth;
    }

    private struct PathNode
    {
        public int Up;
        public int Depth;
        public int Top;
        public int HostBridge;
        public int AcsFromRoot;
        public int AncestorStart;
        public bool Acs;
    }
}
