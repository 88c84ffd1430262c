namespace Orchestrator.Protocol.Node;

/// <summary>Reserve a contiguous buffer in a provider's pool. Idempotent by <see cref="AllocationId"/>.</summary>
[Manifest("node.allocate-buffer.v1")]
public sealed record AllocateBuffer(string Provider, string AllocationId, long SizeBytes, long AlignmentBytes = 0, FitStrategy Strategy = FitStrategy.FirstFit) : IControllerRequest;

/// <summary>Release a buffer. Freeing an id the pool does not hold succeeds with <see cref="BufferReleased.WasHeld"/> false.</summary>
[Manifest("node.free-buffer.v1")]
public sealed record FreeBuffer(string Provider, string AllocationId) : IControllerRequest;

/// <summary>
/// The buffer is reserved (and journaled) at this extent; <see cref="AlreadyHeld"/> when the id already had it.
/// <see cref="Pool"/>: the pool's figures right after.
/// </summary>
[Manifest("node.buffer-granted.v2")]
public sealed record BufferGranted(string Host, string Provider, string AllocationId, long Offset, long Length, bool AlreadyHeld, PoolSummary Pool) : INodeReport;

/// <summary>Why a buffer was not reserved.</summary>
public enum RefusalReason
{
    /// <summary>The request itself is wrong (size, alignment): it would fail anywhere.</summary>
    InvalidRequest,

    /// <summary>No free extent is large enough; another provider may do.</summary>
    NoContiguousSpace,

    /// <summary>The allocation id already holds a different buffer.</summary>
    Conflict,

    /// <summary>This host has no pool for that provider.</summary>
    UnknownProvider,

    /// <summary>The kernel now has less than we hold: no new buffers until an operator looks.</summary>
    Overcommitted,

    /// <summary>The pool cannot be used now (its journal failed and it is restarting): nothing changed, retry later.</summary>
    Unavailable,
}

/// <summary>Not reserved, and why; <see cref="Pool"/>: the pool's figures at the refusal (null when there is no such pool).</summary>
[Manifest("node.buffer-refused.v2")]
public sealed record BufferRefused(string Host, string Provider, string AllocationId, RefusalReason Reason, string Message, PoolSummary? Pool) : INodeReport;

/// <summary>Freed (or never held: <see cref="WasHeld"/> false); <see cref="Pool"/>: the pool's figures right after.</summary>
[Manifest("node.buffer-released.v2")]
public sealed record BufferReleased(string Host, string Provider, string AllocationId, bool WasHeld, PoolSummary? Pool) : INodeReport;
