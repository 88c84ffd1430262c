using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Controller;

/// <summary>
/// A node agent introduces its host to the controller: topology and every pool with its allocations (§7.1, §7.3).
/// <see cref="Identity"/> is the node's persistent identity (kept in its journal, so it survives restarts and
/// belongs to the books it reports): while a host is up, a registration of the same host name from another identity
/// is refused. <see cref="Incarnation"/> (the agent's start time, in ticks) lets the controller ignore a registration
/// from an older incarnation of the same node that arrives after the newer one. A registration with more allocations
/// than one remoting message carries (<see cref="Serialization.RemotingLimits.AllocationsPerMessage"/>) lists none in
/// <see cref="Pools"/> and is followed by <see cref="Parts"/> <see cref="RegisterHostPart"/>s (<see cref="RegistrationParts"/>);
/// <see cref="Registration"/> numbers the agent's registrations, so parts are never mixed with another one's.
/// (Both fields are additive with defaults that mean "all in one message", hence still v1.)
/// </summary>
[Manifest("controller.register-host.v1")]
public sealed record RegisterHost(string Host, TopologyDocument Topology, IReadOnlyList<PoolStatus> Pools, long Incarnation, string Identity = "",
    long Registration = 0, int Parts = 0) : INodeReport;

/// <summary>
/// Part <see cref="Part"/> (from 0) of registration <see cref="Registration"/>: allocations of one pool, sent in order
/// right after their <see cref="RegisterHost"/> by the same agent.
/// </summary>
[Manifest("controller.register-host-part.v1")]
public sealed record RegisterHostPart(string Host, long Incarnation, long Registration, int Part, string Provider, IReadOnlyList<AllocationRecord> Allocations) : INodeReport;

/// <summary>
/// The controller took registration <see cref="Registration"/>; reconciliation of the host's allocations has started.
/// It now holds each readable pool's books at the revision that registration reported, so the agent's next
/// registration may list only what changed since (<see cref="Node.PoolStatus.DeltaFrom"/>). 0: an acknowledgement
/// that names no registration (the agent then keeps sending everything). Additive, hence still v1.
/// </summary>
[Manifest("controller.host-registered.v1")]
public sealed record HostRegistered(string Host, long Registration = 0) : IControllerRequest;

/// <summary>
/// The controller could not rebuild a delta registration (it restarted, failed over, or holds other books of the
/// pool than the delta starts from) and acted on none of it: the agent sends everything at once.
/// </summary>
[Manifest("controller.host-registration-resync.v1")]
public sealed record HostRegistrationResync(string Host, long Registration, string Reason) : IControllerRequest;

/// <summary>The controller refused the registration, and why (another node holds the host name, a forged incarnation, no identity).</summary>
[Manifest("controller.host-registration-refused.v1")]
public sealed record HostRegistrationRefused(string Host, string Reason) : IControllerRequest;

/// <summary>How the controller sees a host.</summary>
public enum HostStatus
{
    Up,

    /// <summary>The failure detector lost it: its placements are kept and flagged, no new ones go there.</summary>
    Unreachable,

    /// <summary>It left or was removed from the cluster.</summary>
    Down,
}
