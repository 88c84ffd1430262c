namespace Orchestrator.Protocol.Controller;

/// <summary>§7.2: <c>Pending → Committed → Releasing → Released</c>, or <c>Failed</c>, or <c>Lost</c>.</summary>
public enum PlacementState
{
    Pending,
    Committed,
    Releasing,
    Released,
    Failed,
    Lost,
}

/// <summary>
/// A placement as the controller records it; <see cref="Retryable"/>: a failed one whose request id may be retried (it
/// failed for a passing reason); <see cref="PoolRevision"/>: the pool's journal revision when it was committed;
/// <see cref="Nvmet"/>: what the node last read of its NVMe-oF namespace (an observation, not journaled: null until the
/// node reports after this controller took over); <see cref="Affected"/>: its verdicts changed with its host's tree;
/// <see cref="NamespaceDevice"/>: the PCI function backing its NVMe-oF namespace, one of <see cref="Clients"/>.
/// </summary>
public sealed record PlacementView(
    string PlacementId,
    string RequestId,
    string Host,
    string Provider,
    IReadOnlyList<string> Clients,
    long SizeBytes,
    PlacementState State,
    long? Offset,
    long? Length,
    NvmeofTarget? Nvmeof,
    string Mode,
    string? Reason,
    bool Retryable = false,
    long PoolRevision = 0,
    Node.NvmetStatus? Nvmet = null,
    TopologyImpact? Affected = null,
    string? NamespaceDevice = null);

/// <summary>
/// A committed placement whose verdicts changed when its host's tree did (a link trained down, ACS switched, a device
/// gone): the changes, and the verdicts before and after, one per client. A flag for an operator: nothing is freed.
/// </summary>
public sealed record TopologyImpact(IReadOnlyList<Topology.TopologyChangeDocument> Changes, string Before, string After, DateTime Since);

/// <summary>
/// Why one provider won, lost or was rejected, with its verdict for every client. <see cref="BottleneckGts"/> is the
/// narrowest link's GT/s × lanes (a ranking figure); <see cref="Bottleneck"/> is that link as rate, width and GB/s;
/// <see cref="ProviderName"/> the OS's name for the provider (<c>nvme0</c>), when it has one.
/// </summary>
public sealed record CandidateExplanation(
    string Provider,
    bool Eligible,
    int Rank,
    int DistanceSum,
    string Level,
    double BottleneckGts,
    long AvailableBytes,
    long LargestFreeExtentBytes,
    IReadOnlyList<ClientVerdict> Clients,
    string Reason,
    BottleneckLink? Bottleneck = null,
    string? ProviderName = null);

/// <summary>The narrowest PCIe link between a provider and its clients: <c>16 GT/s x4 ≈ 7.9 GB/s</c> (data rate after line encoding).</summary>
public sealed record BottleneckLink(double SpeedGts, int Width, double GigabytesPerSecond, string Text);

/// <summary>
/// One client's verdict; <see cref="Role"/>: <c>namespace device</c> for the function backing the NVMe-oF namespace, else null;
/// <see cref="Name"/>: the OS's name for the client (<c>eth0</c>, <c>mlx5_0</c>), when it has one.
/// </summary>
public sealed record ClientVerdict(string Client, string MapType, int Distance, string Level, string Reason, string? Role = null, string? Name = null);

/// <summary>
/// The whole decision: the chosen provider (if any) and every provider of the host with its reason;
/// <see cref="NamespaceDevice"/>: the NVMe-oF namespace's own PCI function, placed for as a client (null without one);
/// <see cref="Omitted"/>: providers left out of <see cref="Candidates"/> (a placement's answer explains the chosen one
/// unless asked for the full explanation; a refusal and a dry run always list every provider).
/// </summary>
[Manifest("controller.placement-explanation.v1")]
public sealed record PlacementExplanation(string Host, string Mode, string? Provider, IReadOnlyList<CandidateExplanation> Candidates, IReadOnlyList<string> Warnings,
    string? NamespaceDevice = null, int Omitted = 0) : IProtocolMessage;

/// <summary>The buffer is placed (or was already: <see cref="Existing"/>).</summary>
[Manifest("controller.placement-accepted.v1")]
public sealed record PlacementAccepted(PlacementView Placement, bool Existing, PlacementExplanation? Explanation) : IProtocolMessage;

/// <summary>What went wrong, as REST maps it: 400, 404, 409, 422, 503.</summary>
public enum PlacementErrorKind
{
    Invalid,
    UnknownHost,
    UnknownDevice,
    UnknownPlacement,
    Conflict,
    Draining,
    NoCompatibleProvider,
    Unavailable,

    /// <summary>The NVMe-oF target's namespace cannot take p2pmem: it does not exist, or no PCI function backs it (422).</summary>
    UnusableNamespace,
}

[Manifest("controller.placement-rejected.v1")]
public sealed record PlacementRejected(PlacementErrorKind Kind, string Message, PlacementExplanation? Explanation) : IProtocolMessage;

[Manifest("controller.placement-found.v1")]
public sealed record PlacementFound(PlacementView Placement) : IProtocolMessage;

[Manifest("controller.placement-list.v1")]
public sealed record PlacementList(IReadOnlyList<PlacementView> Placements, int Total = 0) : IProtocolMessage;

/// <summary>
/// One host as the controller sees it; <see cref="Member"/> is the cluster address its agent registered from, and
/// <see cref="Identity"/> the node's persistent identity; <see cref="Pools"/>: each pool's figures as the node last
/// reported them (<c>GET /hosts/{host}/pools</c> asks the node afresh, with allocations); <see cref="Conflict"/>: the
/// last registration of this host name refused because another node identity sent it.
/// </summary>
public sealed record HostView(string Host, HostStatus Status, string Member, string? CpuVendor, int? CpuFamily, bool Drained, IReadOnlyList<string> DrainedProviders,
    IReadOnlyList<Node.PoolSummary> Pools, string? Identity = null, string? Conflict = null, int UnknownBuffers = 0);

[Manifest("controller.host-list.v1")]
public sealed record HostList(IReadOnlyList<HostView> Hosts) : IProtocolMessage;

[Manifest("controller.drain-set.v1")]
public sealed record DrainSet(string Host, string? Provider, bool Drained) : IProtocolMessage;
