using BenchmarkDotNet.Attributes;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Bench;

/// <summary>P2: kernel-mode find_many for 2 clients over 64 providers, against the same semantics without precomputation.</summary>
[MemoryDiagnoser]
public class FindManyBenchmarks
{
    private const int Queries = 256;
    private HostTopology host = null!;
    private ProviderFinder finder = null!;
    private P2pRules rules = null!;
    private KernelStyleBaseline baseline = null!;
    private int[][] clientPairs = null!;
    private int[] scratch = null!;
    private int[] providerIndices = null!;
    private readonly Random random = new(7);

    [GlobalSetup]
    public void Setup()
    {
        host = SyntheticHost.Create(4096, 64);
        rules = new P2pRules(host);
        finder = new ProviderFinder(rules);
        baseline = new KernelStyleBaseline(host);
        providerIndices = finder.Providers.ToArray();
        if (providerIndices.Length != 64)
        {
            throw new InvalidOperationException($"expected 64 providers, generated {providerIndices.Length}");
        }
        var endpoints = Enumerable.Range(0, host.Functions.Count).Where(i => host.Functions[i].Kind == Protocol.Topology.DeviceKind.Endpoint).ToArray();
        var pick = new Random(11);
        clientPairs = Enumerable.Range(0, Queries).Select(_ => new[] { endpoints[pick.Next(endpoints.Length)], endpoints[pick.Next(endpoints.Length)] }).ToArray();
        scratch = new int[host.Functions.Count];
        foreach (var pair in clientPairs)
        {
            finder.FindKernel(pair, random);  // warm the per-client cache, as a long-running controller would have it
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Queries)]
    public int KernelStyleNoPrecomputation()
    {
        var sum = 0;
        foreach (var pair in clientPairs)
        {
            sum += baseline.FindMany(pair, random, scratch);
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int PrecomputedChainsNoCache()
    {
        var sum = 0;
        foreach (var pair in clientPairs)
        {
            var best = int.MaxValue;
            var count = 0;
            foreach (var p in providerIndices)
            {
                var d = rules.DistanceMany(p, pair);
                if (d < 0 || d > best)
                {
                    continue;
                }
                if (d < best)
                {
                    best = d;
                    count = 0;
                }
                scratch[count++] = p;
            }
            sum += count == 0 ? -1 : scratch[random.Next(count)];
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Queries)]
    public int ProviderFinderCached()
    {
        var sum = 0;
        foreach (var pair in clientPairs)
        {
            sum += finder.FindKernel(pair, random);
        }
        return sum;
    }
}
