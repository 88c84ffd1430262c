using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Controller;

/// <summary>
/// A node agent introduces its host to the controller: topology and every pool with its allocations (§7.1, §7.3).
/// <see cref="Incarnation"/> (the agent's start time, in ticks) lets the controller ignore a registration from an
/// older incarnation that arrives after the newer one.
/// </summary>
[Manifest("controller.register-host.v1")]
public sealed record RegisterHost(string Host, TopologyDocument Topology, IReadOnlyList<PoolStatus> Pools, long Incarnation) : IProtocolMessage;

/// <summary>The controller took the registration; reconciliation of the host's allocations has started.</summary>
[Manifest("controller.host-registered.v1")]
public sealed record HostRegistered(string Host) : IProtocolMessage;

/// <summary>How the controller sees a host.</summary>
public enum HostStatus
{
    Up,

    /// <summary>The failure detector lost it: its placements are kept and flagged, no new ones go there.</summary>
    Unreachable,

    /// <summary>It left or was removed from the cluster.</summary>
    Down,
}
