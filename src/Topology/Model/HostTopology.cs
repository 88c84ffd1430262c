using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Topology.Model;

/// <summary>
/// One host's PCI tree: validated (no duplicate, unknown parent or cycle), kinds resolved, host bridges known.
/// Immutable; build it with <see cref="Build"/>.
/// </summary>
public sealed class HostTopology
{
    private readonly Dictionary<PciAddress, int> indexByAddress;

    private HostTopology(
        string host,
        CpuInfo cpu,
        IReadOnlyList<HostBridge> hostBridges,
        IReadOnlyList<PciFunction> functions,
        IReadOnlyList<TopologyDiagnostic> diagnostics)
    {
        Host = host;
        Cpu = cpu;
        HostBridges = hostBridges;
        Functions = functions;
        Diagnostics = diagnostics;
        indexByAddress = new Dictionary<PciAddress, int>(functions.Count);
        for (var i = 0; i < functions.Count; i++)
        {
            indexByAddress[functions[i].Address] = i;
        }
    }

    public string Host { get; }
    public CpuInfo Cpu { get; }
    public IReadOnlyList<HostBridge> HostBridges { get; }

    /// <summary>Every function, in address order.</summary>
    public IReadOnlyList<PciFunction> Functions { get; }

    public IReadOnlyList<TopologyDiagnostic> Diagnostics { get; }

    /// <summary>The functions with a p2pmem pool, in address order; kept, as every placement decision walks them.</summary>
    public IReadOnlyList<PciFunction> Providers => providers ??= Functions.Where(f => f.P2pMem is { Size: > 0 }).ToList();

    private IReadOnlyList<PciFunction>? providers;

    public int IndexOf(PciAddress address) => indexByAddress.TryGetValue(address, out var i) ? i : -1;

    public PciFunction? Find(PciAddress address) => indexByAddress.TryGetValue(address, out var i) ? Functions[i] : null;

    /// <summary>The function at <paramref name="address"/>, or an error naming the host and the address.</summary>
    public PciFunction Get(PciAddress address)
        => Find(address) ?? throw new TopologyException($"unknown device {address} on host '{Host}'");

    public PciFunction Get(string address)
        => PciAddress.TryParse(address, out var a, out var error) ? Get(a) : throw new TopologyException(error);

    /// <summary>The top of a function's tree (the function on the root bus above it).</summary>
    public PciFunction TopOf(PciFunction function)
    {
        var f = function;
        while (f.Parent is { } p)
        {
            f = Functions[indexByAddress[p]];
        }
        return f;
    }

    public IEnumerable<PciFunction> ChildrenOf(PciAddress? parent) => Functions.Where(f => f.Parent == parent);

    public HostTopology WithCpu(CpuInfo cpu) => new(Host, cpu, HostBridges, Functions, Diagnostics);

    /// <summary>
    /// Validates and completes a set of functions: rejects duplicates, unknown parents or physical functions
    /// and cycles (naming <paramref name="source"/> and the address), infers missing kinds (ARCHITECTURE §4.1)
    /// and derives the host bridges from the root buses.
    /// </summary>
    public static HostTopology Build(
        string source,
        string host,
        CpuInfo cpu,
        IEnumerable<PciFunction> functions,
        IReadOnlyDictionary<PciBus, int>? hostBridgeNuma = null,
        IEnumerable<TopologyDiagnostic>? diagnostics = null)
    {
        var byAddress = new SortedDictionary<PciAddress, PciFunction>();
        foreach (var f in functions)
        {
            if (!byAddress.TryAdd(f.Address, f))
            {
                throw new TopologyException($"{source}: duplicate address {f.Address}");
            }
        }
        // A VF declared without a parent sits beside its PF, not on a root bus of its own.
        foreach (var vf in byAddress.Values.Where(f => f.Parent is null && f.PhysFn is not null).ToList())
        {
            if (byAddress.TryGetValue(vf.PhysFn!.Value, out var pf) && pf.Parent is not null)
            {
                byAddress[vf.Address] = vf with { Parent = pf.Parent };
            }
        }
        foreach (var f in byAddress.Values)
        {
            if (f.Parent is { } p && !byAddress.ContainsKey(p))
            {
                throw new TopologyException($"{source}: {f.Address} names parent {p}, which is not in the topology");
            }
            if (f.PhysFn is { } pf && !byAddress.ContainsKey(pf))
            {
                throw new TopologyException($"{source}: {f.Address} names physical function {pf}, which is not in the topology");
            }
            if (f.Parent == f.Address)
            {
                throw new TopologyException($"{source}: {f.Address} names itself as its parent");
            }
        }
        var depth = Depths(source, byAddress);
        var hasChildren = byAddress.Values.Where(f => f.Parent is not null).Select(f => f.Parent!.Value).ToHashSet();

        // Parents first, so that inference can look at the parent's resolved kind.
        var resolved = new Dictionary<PciAddress, PciFunction>(byAddress.Count);
        foreach (var f in byAddress.Values.OrderBy(f => depth[f.Address]).ThenBy(f => f.Address))
        {
            var parent = f.Parent is { } p ? resolved[p] : null;
            resolved[f.Address] = f.KindSource == KindSource.Unknown
                ? f with { Kind = InferKind(f, parent, hasChildren.Contains(f.Address)), KindSource = KindSource.Inferred }
                : f;
        }

        var rootBuses = resolved.Values.Where(f => f.Parent is null).Select(f => f.Address.BusId)
            .Concat(hostBridgeNuma?.Keys ?? []).Distinct().Order().ToList();
        var bridges = new List<HostBridge>(rootBuses.Count);
        foreach (var root in rootBuses)
        {
            var onRoot = resolved.Values.Where(f => f.Parent is null && f.Address.BusId == root).OrderBy(f => f.Address).ToList();
            var first = onRoot.FirstOrDefault();
            var numa = hostBridgeNuma is not null && hostBridgeNuma.TryGetValue(root, out var n) ? n
                : onRoot.Select(f => f.NumaNode).Where(x => x >= 0).DefaultIfEmpty(-1).Min();
            bridges.Add(new HostBridge(
                root,
                numa,
                first?.Address,
                first?.Vendor,
                first?.Device,
                first is not null && (first.Address.DevFn == 0 || first.Kind == DeviceKind.RootPort)));
        }

        // A function whose NUMA node is unknown sits where its host bridge sits.
        var numaByRoot = bridges.ToDictionary(b => b.Root, b => b.NumaNode);
        var list = new List<PciFunction>(resolved.Count);
        foreach (var f in resolved.Values.OrderBy(f => f.Address))
        {
            var top = f;
            while (top.Parent is { } p)
            {
                top = resolved[p];
            }
            var bridgeNuma = numaByRoot[top.Address.BusId];
            list.Add(f.NumaNode < 0 && bridgeNuma >= 0 ? f with { NumaNode = bridgeNuma } : f);
        }
        return new HostTopology(host, cpu, bridges, list, (diagnostics ?? []).ToList());
    }

    private static Dictionary<PciAddress, int> Depths(string source, SortedDictionary<PciAddress, PciFunction> byAddress)
    {
        var depth = new Dictionary<PciAddress, int>(byAddress.Count);
        foreach (var start in byAddress.Values)
        {
            var path = new List<PciAddress>();
            var onPath = new HashSet<PciAddress>();
            var f = start;
            int above;
            while (true)
            {
                if (depth.TryGetValue(f.Address, out above))
                {
                    break;
                }
                if (!onPath.Add(f.Address))
                {
                    var cycle = path.SkipWhile(a => a != f.Address).Append(f.Address);
                    throw new TopologyException($"{source}: parent cycle {string.Join(" -> ", cycle)}");
                }
                path.Add(f.Address);
                if (f.Parent is not { } p)
                {
                    above = -1;
                    break;
                }
                f = byAddress[p];
            }
            for (var i = path.Count - 1; i >= 0; i--)
            {
                depth[path[i]] = ++above;
            }
        }
        return depth;
    }

    private static DeviceKind InferKind(PciFunction f, PciFunction? parent, bool hasChildren)
    {
        var isBridge = f.ClassCode is { } c ? (c >> 8) == 0x0604 || (c >> 8) == 0x0609 || hasChildren : hasChildren;
        if (!isBridge)
        {
            return DeviceKind.Endpoint;
        }
        return parent?.Kind switch
        {
            null => DeviceKind.RootPort,
            DeviceKind.RootPort or DeviceKind.SwitchDownstream => DeviceKind.SwitchUpstream,
            DeviceKind.SwitchUpstream => DeviceKind.SwitchDownstream,
            _ => DeviceKind.Bridge,
        };
    }
}
