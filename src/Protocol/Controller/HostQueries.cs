using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Controller;

/// <summary>A registered host's topology as the controller holds it.</summary>
[Manifest("controller.get-host-topology.v1")]
public sealed record GetHostTopology(string Host) : IControllerRequest;

[Manifest("controller.host-topology-found.v1")]
public sealed record HostTopologyFound(string Host, TopologyDocument Topology) : IProtocolMessage;

/// <summary>
/// A host's pools fresh from its agent (with every allocation): the coordinator forwards the question to the agent,
/// which answers with a <see cref="Node.HostSnapshot"/>; a host that is not Up gets a <see cref="PlacementRejected"/>.
/// </summary>
[Manifest("controller.get-host-pools.v1")]
public sealed record GetHostPools(string Host) : IControllerRequest;

/// <summary>Ask the host's node to read its tree again now; the answer is the node's <see cref="Node.RescanCompleted"/> with what changed.</summary>
[Manifest("controller.rescan-host.v1")]
public sealed record RescanHost(string Host) : IControllerRequest;

/// <summary>The figures <c>/metrics</c> exports, computed by the coordinator in one pass.</summary>
[Manifest("controller.get-controller-stats.v1")]
public sealed record GetControllerStats : IControllerRequest;

public sealed record StateCount(string State, int Count);

public sealed record PoolGauge(string Host, string Provider, long CapacityBytes, long AvailableBytes, int AllocationCount,
    long KernelSizeBytes = 0, long KernelAvailableBytes = 0, bool Overcommitted = false);

/// <summary>
/// The coordinator's counts for metrics and readiness. <see cref="AwaitedHosts"/>: hosts its journal knows (they
/// registered once) that have not registered with it since <see cref="RecoveredAt"/>, when it recovered its journal.
/// <see cref="Registrations"/>: registrations taken since it started, by kind: <c>whole</c> (every allocation listed),
/// <c>delta</c> (what changed since the books it held), <c>resync</c> (a delta it could not rebuild: the node was asked for everything).
/// </summary>
[Manifest("controller.controller-stats.v1")]
public sealed record ControllerStats(IReadOnlyList<StateCount> Placements, IReadOnlyList<StateCount> Hosts, IReadOnlyList<PoolGauge> Pools, int RefusedRegistrations = 0,
    IReadOnlyList<StateCount>? Nvmet = null, IReadOnlyList<string>? AwaitedHosts = null, int KnownHosts = 0, DateTime? RecoveredAt = null,
    IReadOnlyList<StateCount>? Registrations = null) : IProtocolMessage;
