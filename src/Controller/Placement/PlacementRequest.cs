using Orchestrator.Protocol;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>A validated request: clients known to the host, a positive size, a mode, optional limits.</summary>
public sealed record PlacementRequest(IReadOnlyList<PciAddress> Clients, long SizeBytes, IPlacementMode Mode, P2pLevel? MaxLevel, PciAddress? PinnedProvider);
