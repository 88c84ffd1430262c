using Orchestrator.Node.Pools;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Tests.Pools;

public class ExtentAllocatorTests
{
    private const long G = ExtentAllocator.Granule;

    [Fact]
    public void Sizes_round_up_to_4_kib_granules_and_extents_are_contiguous()
    {
        var a = new ExtentAllocator(1 << 20);
        var r = a.Allocate("x", 5000);
        Assert.Equal(new Extent("x", 0, 2 * G, 5000, 0), r.Extent);
        Assert.Equal((1 << 20) - (2 * G), a.Stats.Available);
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 4000)]
    [InlineData((1L << 20) + 1)]
    public void Sizes_beyond_the_pool_are_refused_even_near_long_max(long size)
    {
        var a = new ExtentAllocator(1 << 20);
        var r = a.Allocate("x", size);
        Assert.Null(r.Extent);
        Assert.Equal(1 << 20, a.Stats.Available);
    }

    [Fact]
    public void Freeing_coalesces_both_neighbours()
    {
        var a = new ExtentAllocator(16 * G);
        a.Allocate("a", G);
        a.Allocate("b", G);
        a.Allocate("c", G);
        a.Free("a");
        a.Free("c");
        Assert.Equal([(0L, G), (2 * G, 14 * G)], a.FreeExtents());
        a.Free("b");
        Assert.Equal([(0L, 16 * G)], a.FreeExtents());
        Assert.Equal(0, a.Stats.Fragmentation);
    }

    [Fact]
    public void Alignment_places_the_buffer_on_a_power_of_two_boundary()
    {
        var a = new ExtentAllocator(64 * G);
        a.Allocate("a", G);
        var r = a.Allocate("b", G, alignmentBytes: 16 * G);
        Assert.Equal(16 * G, r.Extent!.Offset);
        Assert.Equal([(G, 15 * G), (17 * G, 47 * G)], a.FreeExtents());
    }

    [Fact]
    public void Best_fit_takes_the_smallest_hole_first_fit_the_lowest()
    {
        var a = new ExtentAllocator(64 * G);
        a.Allocate("h1", 3 * G);
        a.Allocate("x", G);
        a.Allocate("h2", 2 * G);
        a.Allocate("y", G);
        a.Free("h1");
        a.Free("h2");  // free: [0,3), [4,6), [7,64)
        Assert.Equal(0, a.Allocate("first", 2 * G, 0, FitStrategy.FirstFit).Extent!.Offset);
        a.Free("first");
        Assert.Equal(4 * G, a.Allocate("best", 2 * G, 0, FitStrategy.BestFit).Extent!.Offset);
    }

    [Theory]
    [InlineData(0L, 0L, "size 0 bytes is not positive")]
    [InlineData(-4096L, 0L, "size -4096 bytes is not positive")]
    [InlineData(1L << 40, 0L, "size 1099511627776 bytes is larger than the whole pool (65536 bytes)")]
    [InlineData(4096L, 3000L, "alignment 3000 is not a power of two")]
    [InlineData(4096L, -8L, "alignment -8 is not a power of two")]
    public void Bad_requests_are_refused_naming_the_value(long size, long alignment, string message)
    {
        var a = new ExtentAllocator(16 * G);
        var r = a.Allocate("x", size, alignment);
        Assert.False(r.Granted);
        Assert.Equal(message, r.Refusal);
        Assert.Equal(16 * G, a.Stats.Available);
    }

    [Fact]
    public void Not_enough_contiguous_space_says_how_much_was_asked_and_the_largest_free_extent()
    {
        var a = new ExtentAllocator(8 * G);
        a.Allocate("a", 3 * G);
        a.Allocate("b", G);
        a.Free("a");  // free: 3 granules + 4 granules, 7 in all
        var r = a.Allocate("c", 5 * G);
        Assert.False(r.Granted);
        Assert.Equal("not enough contiguous space: asked 20480 bytes (20480 in 4 KiB granules), largest free extent 16384 bytes, 28672 bytes free in all", r.Refusal);
    }

    [Fact]
    public void The_same_id_with_another_size_is_a_conflict_and_changes_nothing()
    {
        var a = new ExtentAllocator(8 * G);
        a.Allocate("a", G);
        var r = a.Allocate("a", 2 * G);
        Assert.False(r.Granted);
        Assert.Contains("already holds 4096 bytes at offset 0", r.Refusal, StringComparison.Ordinal);
        Assert.Single(a.Allocations);
    }

    [Fact]
    public void Replaying_an_extent_takes_exactly_it_and_refuses_overlaps()
    {
        var a = new ExtentAllocator(16 * G);
        Assert.True(a.TryAllocateAt(new Extent("a", 4 * G, 2 * G, 8000, 0), out _));
        Assert.True(a.TryAllocateAt(new Extent("a", 4 * G, 2 * G, 8000, 0), out _));  // idempotent
        Assert.False(a.TryAllocateAt(new Extent("b", 5 * G, G, G, 0), out var refusal));
        Assert.Contains("not free", refusal, StringComparison.Ordinal);
        Assert.Equal([(0L, 4 * G), (6 * G, 10 * G)], a.FreeExtents());
    }
}
