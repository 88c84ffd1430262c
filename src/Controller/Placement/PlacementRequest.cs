using Orchestrator.Protocol;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>The placement modes of §5.3–5.4.</summary>
public enum PlacementMode
{
    /// <summary>Our policy (§5.4): kernel-legal, capacity-aware, ranked, deterministic.</summary>
    Orchestrator,

    /// <summary>What Linux <c>pci_p2pmem_find_many</c> would choose (random among ties), refused if it lacks room.</summary>
    Kernel,

    /// <summary>The 2017 proposal: one switch upstream port for all, first in address order.</summary>
    Rfc2017,
}

/// <summary>A validated request: clients known to the host, a positive size, a mode, optional limits.</summary>
public sealed record PlacementRequest(IReadOnlyList<PciAddress> Clients, long SizeBytes, PlacementMode Mode, P2pLevel? MaxLevel, PciAddress? PinnedProvider)
{
    public static string ModeName(PlacementMode mode) => mode switch
    {
        PlacementMode.Kernel => "kernel",
        PlacementMode.Rfc2017 => "rfc2017",
        _ => "orchestrator",
    };
}
