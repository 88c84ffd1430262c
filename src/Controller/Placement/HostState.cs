using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>What the controller knows of one host: its topology (with the rules precomputed), pools, status and drains.</summary>
public sealed class HostState
{
    public HostState(HostTopology topology, IEnumerable<PoolSummary> pools)
    {
        Topology = topology;
        Rules = new P2pRules(topology);
        Finder = new ProviderFinder(Rules);
        Pools = pools.ToDictionary(p => p.Provider, p => new PoolView(p), StringComparer.Ordinal);
    }

    public string Host => Topology.Host;

    public HostTopology Topology { get; }

    public P2pRules Rules { get; }

    public ProviderFinder Finder { get; }

    /// <summary>The node's pools by provider address: its last exact figures and what is in flight there.</summary>
    public IReadOnlyDictionary<string, PoolView> Pools { get; }

    public HostStatus Status { get; set; } = HostStatus.Up;

    public bool Drained { get; set; }

    public HashSet<string> DrainedProviders { get; } = new(StringComparer.Ordinal);

    /// <summary>The last registration of this host name refused because another node identity sent it, with when and from where.</summary>
    public string? Conflict { get; set; }

    /// <summary>Buffers the node holds that this controller's journal has no placement for: kept, never freed (<see cref="Reconciler"/>).</summary>
    public int UnknownBuffers { get; set; }
}
