using Orchestrator.Node.Pools;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Tests.Pools;

/// <summary>
/// Random allocate/free sequences checked after every step against a granule-by-granule reference model: no
/// overlap, no leak, available + allocated = capacity, coalescing complete, and the chosen extent is the one the
/// strategy names (lowest fitting offset, or smallest fitting extent).
/// </summary>
public class ExtentAllocatorPropertyTests
{
    private const long G = ExtentAllocator.Granule;

    [Theory]
    [InlineData(1, FitStrategy.FirstFit)]
    [InlineData(2, FitStrategy.FirstFit)]
    [InlineData(3, FitStrategy.BestFit)]
    [InlineData(4, FitStrategy.BestFit)]
    [InlineData(5, FitStrategy.FirstFit)]
    public void Random_sequences_match_the_reference_model(int seed, FitStrategy strategy)
    {
        var random = new Random(seed);
        var capacityGranules = 512 + random.Next(512);
        var allocator = new ExtentAllocator((capacityGranules * G) + random.Next((int)G));  // a partial last granule is unusable
        var owner = new string?[capacityGranules];
        var live = new List<string>();
        var next = 0;

        for (var step = 0; step < 3000; step++)
        {
            if (live.Count > 0 && random.Next(100) < 45)
            {
                var id = live[random.Next(live.Count)];
                Assert.True(allocator.Free(id));
                Assert.False(allocator.Free(id));  // freeing twice changes nothing
                for (var g = 0; g < capacityGranules; g++)
                {
                    if (owner[g] == id)
                    {
                        owner[g] = null;
                    }
                }
                live.Remove(id);
            }
            else
            {
                var id = $"a{next++}";
                var size = random.Next(1, 48) * G - (random.Next(4) == 0 ? random.Next(1, (int)G) : 0);
                long alignment = random.Next(5) switch { 0 => 0, 1 => G, 2 => 4 * G, 3 => 16 * G, _ => 0 };
                var need = (size + G - 1) / G;
                var align = Math.Max(1, alignment / G);
                var expected = Expected(owner, need, align, strategy);
                var result = allocator.Allocate(id, size, alignment, strategy);
                if (expected is null)
                {
                    Assert.False(result.Granted, $"step {step}: granted {result.Extent} where the model has no room");
                    Assert.Contains("not enough contiguous space", result.Refusal, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(result.Granted, $"step {step}: refused ({result.Refusal}) where the model fits {need} granules");
                    var e = result.Extent!;
                    Assert.Equal(need * G, e.Length);
                    Assert.Equal(0, e.Offset % (align * G));
                    if (strategy == FitStrategy.FirstFit)
                    {
                        Assert.Equal(expected.Value * G, e.Offset);
                    }
                    else
                    {
                        Assert.Equal(RunLength(owner, expected.Value), RunLength(owner, e.Offset / G));
                    }
                    for (var g = e.Offset / G; g < (e.Offset + e.Length) / G; g++)
                    {
                        Assert.True(owner[g] is null, $"step {step}: granule {g} given twice ({owner[g]} and {id})");
                        owner[g] = id;
                    }
                    live.Add(id);
                    var again = allocator.Allocate(id, size, alignment, strategy);
                    Assert.True(again.AlreadyHeld);
                    Assert.Equal(e, again.Extent);
                }
            }
            CheckInvariants(allocator, owner, live.Count);
        }
    }

    /// <summary>The start the strategy should choose, from the model's free runs.</summary>
    private static long? Expected(string?[] owner, long need, long align, FitStrategy strategy)
    {
        long? best = null;
        long bestRun = long.MaxValue;
        foreach (var (start, length) in Runs(owner))
        {
            var aligned = (start + align - 1) / align * align;
            if (aligned + need > start + length)
            {
                continue;
            }
            if (strategy == FitStrategy.FirstFit)
            {
                return aligned;
            }
            if (length < bestRun)
            {
                (best, bestRun) = (aligned, length);
            }
        }
        return best;
    }

    private static long RunLength(string?[] owner, long granuleInRun)
    {
        foreach (var (start, length) in Runs(owner))
        {
            if (granuleInRun >= start && granuleInRun < start + length)
            {
                return length;
            }
        }
        return -1;
    }

    private static IEnumerable<(long Start, long Length)> Runs(string?[] owner)
    {
        long? start = null;
        for (long g = 0; g <= owner.Length; g++)
        {
            var free = g < owner.Length && owner[g] is null;
            if (free && start is null)
            {
                start = g;
            }
            else if (!free && start is { } s)
            {
                yield return (s, g - s);
                start = null;
            }
        }
    }

    private static void CheckInvariants(ExtentAllocator allocator, string?[] owner, int liveCount)
    {
        var free = allocator.FreeExtents().ToList();
        var modelRuns = Runs(owner).Select(r => (r.Start * G, r.Length * G)).ToList();
        // Coalescing complete and no leak: the free extents are exactly the model's maximal free runs.
        Assert.Equal(modelRuns, free);
        var stats = allocator.Stats;
        var allocated = allocator.Allocations.Values.Sum(e => e.Length);
        Assert.Equal(allocator.CapacityBytes, stats.Available + allocated);
        Assert.Equal(owner.Count(o => o is null) * G, stats.Available);
        Assert.Equal(free.Count == 0 ? 0 : free.Max(f => f.Length), stats.LargestFreeExtent);
        Assert.Equal(liveCount, stats.AllocationCount);
        Assert.InRange(stats.Fragmentation, 0.0, 1.0);
    }
}
