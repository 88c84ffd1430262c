using Orchestrator.Protocol;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// A validated request: clients known to the host, a positive size, a mode, optional limits; <see cref="FullExplanation"/>:
/// explain every provider even when one is chosen (else the chosen one only: see <see cref="PlacementDecider"/>).
/// </summary>
public sealed record PlacementRequest(IReadOnlyList<PciAddress> Clients, long SizeBytes, IPlacementMode Mode, P2pLevel? MaxLevel, PciAddress? PinnedProvider,
    bool FullExplanation = true);
