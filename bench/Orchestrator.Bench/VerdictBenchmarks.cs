using BenchmarkDotNet.Attributes;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Bench;

/// <summary>P1: the verdict for one pair on a 4,096-function host, against the kernel-style nested chain walk.</summary>
[MemoryDiagnoser]
public class VerdictBenchmarks
{
    private const int Pairs = 4096;
    private P2pRules rules = null!;
    private KernelStyleBaseline baseline = null!;
    private int[] providers = null!;
    private int[] clients = null!;

    [GlobalSetup]
    public void Setup()
    {
        var host = SyntheticHost.Create(4096, 64);
        rules = new P2pRules(host);
        baseline = new KernelStyleBaseline(host);
        var random = new Random(42);
        providers = Enumerable.Range(0, Pairs).Select(_ => random.Next(host.Functions.Count)).ToArray();
        clients = Enumerable.Range(0, Pairs).Select(_ => random.Next(host.Functions.Count)).ToArray();
        for (var i = 0; i < Pairs; i++)
        {
            var (map, distance) = baseline.Calc(providers[i], clients[i]);
            var verdict = rules.Verdict(providers[i], clients[i]);
            if (verdict.MapType != map || verdict.Distance != distance)
            {
                throw new InvalidOperationException($"pair {i}: precomputed {verdict} differs from the kernel-style walk {map}/{distance}");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Pairs)]
    public int KernelStyleNestedWalk()
    {
        var sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += baseline.Calc(providers[i], clients[i]).Distance;
        }
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Pairs)]
    public int PrecomputedVerdict()
    {
        var sum = 0;
        for (var i = 0; i < Pairs; i++)
        {
            sum += rules.Verdict(providers[i], clients[i]).Distance;
        }
        return sum;
    }
}
