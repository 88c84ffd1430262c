namespace Orchestrator.Protocol.Controller;

/// <summary>Journaled by the placement coordinator (§7.2). Applying one twice changes nothing.</summary>
public interface IPlacementEvent : IProtocolMessage;

/// <summary>
/// A placement decided and about to be allocated. <see cref="Clients"/> include <see cref="NamespaceDevice"/>: the PCI
/// function the node said backs the NVMe-oF target's namespace (null without a target, or when it could not be resolved
/// and the target is not applied). For the history (issue 16): <see cref="Who"/>, the REST client that asked (null in
/// events journaled before it was recorded), and <see cref="Closer"/>, the providers closer to the clients than the
/// chosen one that were rejected, with why (null or empty: none was). The book keeps neither (<see cref="ForBook"/>).
/// </summary>
[Manifest("placement.requested.v1")]
public sealed record PlacementRequested(string PlacementId, string RequestId, string Host, string Provider, IReadOnlyList<string> Clients, long SizeBytes, NvmeofTarget? Nvmeof, string Mode, string RequestFingerprint,
    string? NamespaceDevice = null, string? Who = null, IReadOnlyList<PassedOver>? Closer = null) : IPlacementEvent
{
    /// <summary>The request as the coordinator's book and snapshots keep it: without what only the history reads.</summary>
    public PlacementRequested ForBook() => Who is null && Closer is null ? this : this with { Who = null, Closer = null };
}

/// <summary>A provider closer to the clients than the chosen one (fewer hops, or no host bridge), and why it was rejected.</summary>
public sealed record PassedOver(string Provider, string Level, int DistanceSum, string Reason);

/// <summary>
/// The node holds the buffer. <see cref="PoolRevision"/>: the pool's journal revision once it held it (0 when not
/// known): a pool that later reports a lower revision lost part of its journal (<see cref="Orchestrator.Protocol.Node.PoolSummary.Revision"/>).
/// </summary>
[Manifest("placement.committed.v1")]
public sealed record PlacementCommitted(string PlacementId, long Offset, long Length, long PoolRevision = 0, string? Host = null, string? Provider = null) : IPlacementEvent;

/// <summary>
/// The placement did not happen. <see cref="Retryable"/>: it failed for a passing reason (a node that did not answer,
/// a pool that was restarting), so a retry with the same request id is carried out rather than refused.
/// </summary>
[Manifest("placement.failed.v1")]
public sealed record PlacementFailed(string PlacementId, string Reason, bool Retryable = false, string? Host = null, string? Provider = null) : IPlacementEvent;

/// <summary><see cref="Who"/>: the REST client that asked (null before it was recorded).</summary>
[Manifest("placement.release-requested.v1")]
public sealed record ReleaseRequested(string PlacementId, string? Host = null, string? Provider = null, string? Who = null) : IPlacementEvent;

[Manifest("placement.released.v1")]
public sealed record PlacementReleased(string PlacementId, string? Host = null, string? Provider = null) : IPlacementEvent;

[Manifest("placement.lost.v1")]
public sealed record PlacementLost(string PlacementId, string Reason, string? Host = null, string? Provider = null) : IPlacementEvent;

/// <summary><see cref="Who"/>: the REST client that asked (null before it was recorded); the book keeps drains without it.</summary>
[Manifest("placement.drain-changed.v1")]
public sealed record DrainChanged(string Host, string? Provider, bool Drained, string? Who = null) : IPlacementEvent;

/// <summary>The coordinator's whole state.</summary>
[Manifest("placement.coordinator-snapshot.v1")]
public sealed record CoordinatorSnapshot(IReadOnlyList<PlacementView> Placements, IReadOnlyList<PlacementRequested> Requests, IReadOnlyList<DrainChanged> Drains,
    IReadOnlyList<HostIdentified>? Hosts = null) : IProtocolMessage;

/// <summary>
/// The node identity the coordinator accepted for a host: its placements are journaled under it. A node that comes
/// back under another identity while placements are live lost or replaced its journal, and is refused.
/// </summary>
[Manifest("placement.host-identified.v1")]
public sealed record HostIdentified(string Host, string Identity) : IPlacementEvent;
