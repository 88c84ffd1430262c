using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Pools;

/// <summary>One buffer: a contiguous extent of the pool, in bytes.</summary>
public sealed record Extent(string AllocationId, long Offset, long Length, long RequestedBytes, long AlignmentBytes);

/// <summary>The outcome of an allocation: the extent, or why not.</summary>
public sealed record AllocationResult(Extent? Extent, bool AlreadyHeld, string? Refusal)
{
    public bool Granted => Extent is not null;
}

/// <summary>Size, available, largest free extent, fragmentation and count (ARCHITECTURE §6).</summary>
public sealed record PoolStats(long Size, long Available, long LargestFreeExtent, double Fragmentation, int AllocationCount);

/// <summary>
/// The allocator of one p2pmem pool (ARCHITECTURE §6): 4 KiB granules, sizes rounded up, optional power-of-two
/// alignment, one contiguous extent per buffer (the kernel's SGL allocation needs it). Free space is a set of
/// coalesced extents indexed by offset (first-fit, neighbours) and by size (best-fit), so allocate and free are
/// O(log n) (<see cref="FreeSpace"/>). Idempotent by allocation id. Plain C#: the pool actor persists what this decides.
/// </summary>
public sealed class ExtentAllocator
{
    public const long Granule = 4096;

    private readonly FreeSpace free = new();
    private readonly Dictionary<string, Extent> allocations = new(StringComparer.Ordinal);
    private long freeGranules;

    /// <param name="capacityBytes">The pool's capacity; whole granules only (a partial last granule is unusable).</param>
    public ExtentAllocator(long capacityBytes)
    {
        if (capacityBytes < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityBytes), capacityBytes, "capacity must not be negative");
        }
        CapacityGranules = capacityBytes / Granule;
        if (CapacityGranules > 0)
        {
            AddFree(0, CapacityGranules);
        }
    }

    public long CapacityGranules { get; }

    public long CapacityBytes => CapacityGranules * Granule;

    public IReadOnlyDictionary<string, Extent> Allocations => allocations;

    public PoolStats Stats
    {
        get
        {
            var available = freeGranules * Granule;
            var largest = free.LargestLength * Granule;
            return new PoolStats(CapacityBytes, available, largest, available == 0 ? 0 : 1.0 - ((double)largest / available), allocations.Count);
        }
    }

    /// <summary>Why a request is invalid whatever the pool's state, or null when it is valid.</summary>
    public string? Validate(long sizeBytes, long alignmentBytes)
    {
        if (sizeBytes <= 0)
        {
            return $"size {sizeBytes} bytes is not positive";
        }
        if (sizeBytes > CapacityBytes)
        {
            return $"size {sizeBytes} bytes is larger than the whole pool ({CapacityBytes} bytes)";
        }
        if (alignmentBytes < 0 || (alignmentBytes & (alignmentBytes - 1)) != 0)
        {
            return $"alignment {alignmentBytes} is not a power of two";
        }
        if (alignmentBytes > CapacityBytes)
        {
            return $"alignment {alignmentBytes} bytes is larger than the whole pool ({CapacityBytes} bytes)";
        }
        return null;
    }

    public AllocationResult Allocate(string allocationId, long sizeBytes, long alignmentBytes = 0, FitStrategy strategy = FitStrategy.FirstFit)
    {
        if (allocations.TryGetValue(allocationId, out var held))
        {
            return held.RequestedBytes == sizeBytes && held.AlignmentBytes == alignmentBytes
                ? new AllocationResult(held, true, null)
                : new AllocationResult(null, false, $"allocation '{allocationId}' already holds {held.RequestedBytes} bytes at offset {held.Offset} (alignment {held.AlignmentBytes}); asked for {sizeBytes} bytes with alignment {alignmentBytes}");
        }
        if (Validate(sizeBytes, alignmentBytes) is { } invalid)
        {
            return new AllocationResult(null, false, invalid);
        }
        // Not (size + granule - 1) / granule: that overflows for sizes near long.MaxValue and would "fit" anything.
        var need = (sizeBytes / Granule) + (sizeBytes % Granule == 0 ? 0 : 1);
        var align = Math.Max(1, alignmentBytes / Granule);
        if (!TryTake(need, align, strategy, out var start))
        {
            return new AllocationResult(null, false,
                $"not enough contiguous space: asked {sizeBytes} bytes ({need * Granule} in 4 KiB granules{(align > 1 ? $", aligned to {alignmentBytes}" : string.Empty)}), largest free extent {free.LargestLength * Granule} bytes, {freeGranules * Granule} bytes free in all");
        }
        freeGranules -= need;
        var extent = new Extent(allocationId, start * Granule, need * Granule, sizeBytes, alignmentBytes);
        allocations.Add(allocationId, extent);
        return new AllocationResult(extent, false, null);
    }

    /// <summary>
    /// Takes exactly this extent (replaying a journal): the same id and extent again is a no-op; anything that
    /// overlaps what is not free is refused, since it would give the same bytes twice.
    /// </summary>
    public bool TryAllocateAt(Extent extent, out string? refusal)
    {
        if (allocations.TryGetValue(extent.AllocationId, out var held))
        {
            refusal = held == extent ? null : $"allocation '{extent.AllocationId}' already holds offset {held.Offset}, length {held.Length}";
            return held == extent;
        }
        if (extent.Offset % Granule != 0 || extent.Length <= 0 || extent.Length % Granule != 0)
        {
            refusal = $"extent at {extent.Offset}, length {extent.Length} is not whole 4 KiB granules";
            return false;
        }
        var start = extent.Offset / Granule;
        var need = extent.Length / Granule;
        if (!free.TryTakeExact(start, need))
        {
            refusal = $"extent at {extent.Offset}, length {extent.Length} is not free";
            return false;
        }
        freeGranules -= need;
        allocations.Add(extent.AllocationId, extent);
        refusal = null;
        return true;
    }

    /// <summary>Frees a buffer; false (and nothing changes) when the id holds nothing, so freeing twice is harmless.</summary>
    public bool Free(string allocationId)
    {
        if (!allocations.Remove(allocationId, out var extent))
        {
            return false;
        }
        free.Give(extent.Offset / Granule, extent.Length / Granule);
        freeGranules += extent.Length / Granule;
        return true;
    }

    /// <summary>Free extents in offset order, in bytes (tests and diagnostics).</summary>
    public IEnumerable<(long Offset, long Length)> FreeExtents() => free.InOrder().Select(e => (e.Start * Granule, e.Size * Granule));

    private bool TryTake(long need, long align, FitStrategy strategy, out long start)
        => strategy == FitStrategy.FirstFit ? free.TryTakeFirstFit(need, align, out start) : free.TryTakeBestFit(need, align, out start);

    private void AddFree(long start, long size)
    {
        free.Give(start, size);
        freeGranules += size;
    }
}
