namespace Orchestrator.Protocol.Controller;

// Journaled by the placement coordinator (§7.2). Applying them is idempotent.

[Manifest("placement.requested.v1")]
public sealed record PlacementRequested(string PlacementId, string RequestId, string Host, string Provider, IReadOnlyList<string> Clients, long SizeBytes, NvmeofTarget? Nvmeof, string Mode, string RequestFingerprint) : IProtocolMessage;

[Manifest("placement.committed.v1")]
public sealed record PlacementCommitted(string PlacementId, long Offset, long Length) : IProtocolMessage;

[Manifest("placement.failed.v1")]
public sealed record PlacementFailed(string PlacementId, string Reason) : IProtocolMessage;

[Manifest("placement.release-requested.v1")]
public sealed record ReleaseRequested(string PlacementId) : IProtocolMessage;

[Manifest("placement.released.v1")]
public sealed record PlacementReleased(string PlacementId) : IProtocolMessage;

[Manifest("placement.lost.v1")]
public sealed record PlacementLost(string PlacementId, string Reason) : IProtocolMessage;

[Manifest("placement.drain-changed.v1")]
public sealed record DrainChanged(string Host, string? Provider, bool Drained) : IProtocolMessage;

/// <summary>The coordinator's whole state.</summary>
[Manifest("placement.coordinator-snapshot.v1")]
public sealed record CoordinatorSnapshot(IReadOnlyList<PlacementView> Placements, IReadOnlyList<PlacementRequested> Requests, IReadOnlyList<DrainChanged> Drains) : IProtocolMessage;
