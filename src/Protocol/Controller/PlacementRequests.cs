namespace Orchestrator.Protocol.Controller;

/// <summary>
/// The nvmet namespace a placement serves. The kernel checks the namespace's own PCI function against the provider when
/// the namespace is enabled, so the controller asks the node which function backs it and places for that function too
/// (the placement's <c>NamespaceDevice</c>). <see cref="ManageEnable"/>: the node may disable the namespace to set its
/// p2pmem and enables it afterwards (disabling stops the target's I/O on it for that moment); without it an enabled
/// namespace is left alone and shows pending-disable. <see cref="Apply"/> false: record the target but write nothing to
/// nvmet, and place even when the namespace cannot be resolved (it does not exist yet, or is not backed by a PCI function).
/// </summary>
public sealed record NvmeofTarget(string SubsystemNqn, int NamespaceId, int? PortId, bool ManageEnable = false, bool Apply = true);

/// <summary>
/// How to choose: <c>orchestrator</c> (the default, §5.4), <c>kernel</c> (find_many) or <c>rfc2017</c>; an optional
/// farthest level allowed (X, PIX, PXB, PHB, NODE, SYS) and an optional pinned provider.
/// </summary>
public sealed record PlacementPolicy(string? Mode = null, string? MaxLevel = null, string? Provider = null);

/// <summary>Place a buffer for these clients on this host. Idempotent by <see cref="RequestId"/>.</summary>
[Manifest("controller.place-buffer.v1")]
public sealed record PlaceBuffer(string RequestId, string Host, IReadOnlyList<string> Clients, long SizeBytes, NvmeofTarget? Nvmeof = null, PlacementPolicy? Policy = null,
    bool FullExplanation = true, string? Who = null) : IControllerRequest;

/// <summary>The same decision as <see cref="PlaceBuffer"/>, as a dry run: nothing is reserved (an NVMe-oF target's namespace is resolved as for a placement).</summary>
[Manifest("controller.explain-placement.v1")]
public sealed record ExplainPlacement(string Host, IReadOnlyList<string> Clients, long SizeBytes, PlacementPolicy? Policy = null, NvmeofTarget? Nvmeof = null) : IControllerRequest;

/// <summary>Release a placement (idempotent); <see cref="Who"/>: the REST client asking, for the history.</summary>
[Manifest("controller.release-placement.v1")]
public sealed record ReleasePlacement(string PlacementId, string? Who = null) : IControllerRequest;

[Manifest("controller.get-placement.v1")]
public sealed record GetPlacement(string PlacementId) : IControllerRequest;

/// <summary>Placements in id order, filtered by host and state, one page of at most <see cref="Limit"/> after <see cref="Offset"/>.</summary>
[Manifest("controller.list-placements.v1")]
public sealed record ListPlacements(string? Host = null, PlacementState? State = null, int Offset = 0, int Limit = int.MaxValue, Node.NvmetState? Nvmet = null, bool? Affected = null) : IControllerRequest;

[Manifest("controller.get-hosts.v1")]
public sealed record GetHosts : IControllerRequest;

/// <summary>Stop (or allow again) new placements on a host, or on one provider of it.</summary>
[Manifest("controller.set-drain.v1")]
public sealed record SetDrain(string Host, string? Provider, bool Drained, string? Who = null) : IControllerRequest;
