using BenchmarkDotNet.Attributes;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Bench;

/// <summary>
/// P5: placement decisions in memory (no journal): the orchestrator policy for 2 clients, on the sample host (3 providers)
/// and on the 4,096-function host with 64 providers, with the full explanation (a dry run, a refusal, <c>?explain=full</c>)
/// and with the chosen provider's only (a placement's default answer, issue 14).
/// </summary>
[MemoryDiagnoser]
public class PlacementDecisionBenchmarks
{
    private readonly Random random = new(1);
    private HostState sample = null!;
    private HostState large = null!;
    private PlacementRequest sampleRequest = null!;
    private PlacementRequest largeRequest = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = BenchEnvironment.RepoRoot;
        var topology = TopologyFile.Read(Path.Combine(root, "deploy", "topologies", "storage-01.yaml"));
        sample = new HostState(topology, Pools(topology));
        sampleRequest = new PlacementRequest([PciAddress.Parse("0000:03:00.0"), PciAddress.Parse("0000:05:00.0")], 8 << 20, PlacementModes.Orchestrator, null, null);
        var big = SyntheticHost.Create(4096, 64);
        large = new HostState(big, Pools(big));
        var endpoints = big.Functions.Where(f => f.Kind == Protocol.Topology.DeviceKind.Endpoint && f.P2pMem is null).Take(2).Select(f => f.Address).ToList();
        largeRequest = new PlacementRequest(endpoints, 8 << 20, PlacementModes.Orchestrator, null, null);
    }

    private static IEnumerable<PoolSummary> Pools(HostTopology topology)
        => topology.Providers.Select(p => new PoolSummary(p.Address.ToString(), 1, p.P2pMem!.Available, p.P2pMem.Available / 2, p.P2pMem.Available / 4, 0.5, 10, p.P2pMem.Size, p.P2pMem.Available, true, false));

    [Benchmark]
    public string? SampleHost3Providers() => PlacementDecider.Decide(sample, sampleRequest, random).Chosen;

    [Benchmark(Baseline = true)]
    public string? LargeHost64Providers() => PlacementDecider.Decide(large, largeRequest, random).Chosen;

    [Benchmark]
    public string? LargeHost64ProvidersChosenExplained() => PlacementDecider.Decide(large, largeRequest with { FullExplanation = false }, random).Chosen;

    [Benchmark]
    public string? SampleHost3ProvidersChosenExplained() => PlacementDecider.Decide(sample, sampleRequest with { FullExplanation = false }, random).Chosen;
}
