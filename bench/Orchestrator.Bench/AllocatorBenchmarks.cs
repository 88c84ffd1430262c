using BenchmarkDotNet.Attributes;
using Orchestrator.Node.Pools;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Bench;

/// <summary>
/// P4: allocate+free on a pool holding 100k live extents, against a gen_pool-style bitmap first-fit in the same run.
/// The pool is a long-lived one: 110k buffers of 1–8 granules packed from the start, then 10k freed at random, so
/// the low addresses are full of small holes. <c>Large</c> asks 16 granules (no hole fits: first-fit must pass every
/// hole); <c>Small</c> asks 1 granule (the first hole fits).
/// </summary>
[MemoryDiagnoser]
public class AllocatorBenchmarks
{
    private const int Live = 100_000;
    private ExtentAllocator allocator = null!;
    private BitmapFirstFitBaseline bitmap = null!;

    [Params(1, 16)]
    public int Granules { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        const long capacity = 4L << 20;  // granules: 16 GiB of address space, mostly free at the top
        allocator = new ExtentAllocator(capacity * ExtentAllocator.Granule);
        bitmap = new BitmapFirstFitBaseline(capacity);
        var random = new Random(5);
        var ids = new List<(string Id, long Start, long Size)>();
        for (var i = 0; i < Live + 10_000; i++)
        {
            var size = random.Next(1, 9);
            var a = allocator.Allocate($"x{i}", size * ExtentAllocator.Granule);
            var b = bitmap.Allocate(size);
            if (a.Extent!.Offset / ExtentAllocator.Granule != b)
            {
                throw new InvalidOperationException("allocator and baseline disagree while filling");
            }
            ids.Add(($"x{i}", b, size));
        }
        foreach (var (id, start, size) in ids.OrderBy(_ => random.Next()).Take(10_000))
        {
            allocator.Free(id);
            bitmap.Free(start, size);
        }
        if (allocator.Allocations.Count != Live)
        {
            throw new InvalidOperationException($"expected {Live} live extents");
        }
    }

    [Benchmark(Baseline = true)]
    public long BitmapFirstFit()
    {
        var start = bitmap.Allocate(Granules);
        bitmap.Free(start, Granules);
        return start;
    }

    [Benchmark]
    public long ExtentTreeFirstFit()
    {
        var extent = allocator.Allocate("probe", Granules * ExtentAllocator.Granule, 0, FitStrategy.FirstFit).Extent!;
        allocator.Free("probe");
        return extent.Offset;
    }

    [Benchmark]
    public long ExtentTreeBestFit()
    {
        var extent = allocator.Allocate("probe", Granules * ExtentAllocator.Granule, 0, FitStrategy.BestFit).Extent!;
        allocator.Free("probe");
        return extent.Offset;
    }
}
