using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Node;

/// <summary>
/// Ask a host agent for its topology and every pool's state. A big host holds more allocations than one remoting
/// frame carries, so an ask over remoting names the allocations it needs (<paramref name="Allocations"/>: only those
/// are listed) or bounds the list (<paramref name="MaxAllocations"/>: at most this many over all pools, in provider
/// then offset order). Every pool's counts and figures stay whole either way.
/// </summary>
[Manifest("node.get-host-snapshot.v1")]
public sealed record GetHostSnapshot(IReadOnlyList<string>? Allocations = null, int MaxAllocations = int.MaxValue) : IControllerRequest;

/// <summary>
/// One pool as the node sees it: our books against the kernel's <c>available</c>, with every allocation.
/// <see cref="Revision"/> orders the node's reports of one pool (see <see cref="PoolSummary.Revision"/>).
/// <see cref="Unavailable"/>: why the pool cannot be read or used now (its journal failed, it is recovering, it did
/// not answer); its figures and allocations are then unknown, never "empty".
/// <see cref="DeltaFrom"/> &gt; 0 (only in a registration): the report is a delta against the pool's books at that
/// revision, which the controller acknowledged holding: <see cref="Allocations"/> lists the buffers granted after it
/// and still held, <see cref="Freed"/> the ids freed after it; the figures and <see cref="AllocationCount"/> stay
/// whole, so the controller checks what it rebuilds against the count (<c>RegistrationDeltas</c>).
/// (Both fields are additive with defaults that mean "every allocation listed", hence still v1.)
/// </summary>
public sealed record PoolStatus(
    string Provider,
    long CapacityBytes,
    long AvailableBytes,
    long LargestFreeExtentBytes,
    double Fragmentation,
    int AllocationCount,
    long KernelSizeBytes,
    long KernelAvailableBytes,
    bool Published,
    bool Overcommitted,
    IReadOnlyList<AllocationRecord> Allocations,
    long Revision = 0,
    string? Unavailable = null,
    long DeltaFrom = 0,
    IReadOnlyList<string>? Freed = null)
{
    /// <summary>Whether this report lists only what changed since <see cref="DeltaFrom"/>.</summary>
    public bool IsDelta => DeltaFrom > 0;

    /// <summary>The same figures without the allocations.</summary>
    public PoolSummary ToSummary() => new(Provider, Revision, CapacityBytes, AvailableBytes, LargestFreeExtentBytes, Fragmentation, AllocationCount,
        KernelSizeBytes, KernelAvailableBytes, Published, Overcommitted, Unavailable);

    /// <summary>A pool that cannot report, and why: nothing about its allocations is known.</summary>
    public static PoolStatus CannotReport(string provider, string reason) => new(provider, 0, 0, 0, 0, 0, 0, 0, false, false, [], 0, reason);
}

/// <summary>
/// A pool's exact figures at one moment, as every node reply about the pool carries them (granted, refused,
/// released, status): the controller decides on these, never on its own arithmetic. <see cref="Revision"/> is the
/// journal sequence number of the last event that changed the pool's books when the figures were taken: replies of
/// one pool can overtake each other on the way, and the controller keeps the highest revision of the agent's
/// incarnation; a pool that reports less than a placement on it was committed at lost part of its journal.
/// </summary>
public sealed record PoolSummary(
    string Provider,
    long Revision,
    long CapacityBytes,
    long AvailableBytes,
    long LargestFreeExtentBytes,
    double Fragmentation,
    int AllocationCount,
    long KernelSizeBytes,
    long KernelAvailableBytes,
    bool Published,
    bool Overcommitted,
    string? Unavailable = null);

/// <summary>A pool's figures after the live kernel's changed (its <c>available</c>, <c>published</c>, or the provider gone).</summary>
[Manifest("node.pool-figures.v1")]
public sealed record PoolFigures(string Host, PoolSummary Pool) : INodeReport;

[Manifest("node.host-snapshot.v1")]
public sealed record HostSnapshot(string Host, TopologyDocument Topology, IReadOnlyList<PoolStatus> Pools) : INodeReport;

/// <summary>Discover the topology again (new providers get pools; shrunken kernel pools are flagged).</summary>
[Manifest("node.rescan.v1")]
public sealed record Rescan : IControllerRequest;

[Manifest("node.rescan-completed.v1")]
public sealed record RescanCompleted(string Host, IReadOnlyList<string> Providers, IReadOnlyList<string> Overcommitted, IReadOnlyList<DiagnosticDocument> Diagnostics, string? Error,
    IReadOnlyList<TopologyChangeDocument>? Changes = null) : INodeReport;
