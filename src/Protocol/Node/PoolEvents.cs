namespace Orchestrator.Protocol.Node;

/// <summary>A pool was opened with this capacity (the kernel's <c>available</c> when first seen).</summary>
[Manifest("pool.opened.v1")]
public sealed record PoolOpened(string Host, string Provider, long CapacityBytes) : IProtocolMessage;

/// <summary>
/// A pool that was opened before started serving again from its journal (each start and each restart after a journal
/// failure). Journaled because replaying proves only that the journal can be read: on a full disk it still can, and
/// the pool reports itself up only once its journal took this write. Replay ignores it.
/// </summary>
[Manifest("pool.resumed.v1")]
public sealed record PoolResumed(string Host, string Provider) : IProtocolMessage;

/// <summary>A buffer was reserved at this extent. Replay takes exactly this extent.</summary>
[Manifest("pool.buffer-allocated.v1")]
public sealed record BufferAllocated(string AllocationId, long Offset, long Length, long RequestedBytes, long AlignmentBytes) : IProtocolMessage;

[Manifest("pool.buffer-freed.v1")]
public sealed record BufferFreed(string AllocationId) : IProtocolMessage;

/// <summary>One reserved buffer, as snapshots and reports carry it.</summary>
public sealed record AllocationRecord(string AllocationId, long Offset, long Length, long RequestedBytes, long AlignmentBytes);

/// <summary>A pool's whole state; recovery starts from the latest one and applies later events. <see cref="BooksRevision"/>: the revision of its books (0 in older snapshots: the snapshot's sequence number).</summary>
[Manifest("pool.snapshot.v1")]
public sealed record PoolSnapshot(string Host, string Provider, long CapacityBytes, IReadOnlyList<AllocationRecord> Allocations, long BooksRevision = 0) : IProtocolMessage;
