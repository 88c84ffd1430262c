namespace Orchestrator.Topology.P2p;

/// <summary>Linux <c>pci_p2pmem_find_many</c>: every supported provider is a candidate; the minimum distance sum wins, a tie uniformly at random.</summary>
public sealed class KernelFindPolicy : FindPolicy
{
    internal KernelFindPolicy()
    {
    }

    public override string Name => "kernel";

    public override (bool Compatible, string Reason) Judge(P2pRules rules, int provider, int[] clients, int distanceSum)
        => distanceSum >= 0 ? (true, $"distance {distanceSum}") : (false, FirstRefusal(rules, provider, clients));

    public override FindResult Choose(IReadOnlyList<FindCandidate> candidates, Random random)
    {
        var compatible = candidates.Where(c => c.Compatible).ToList();
        if (compatible.Count == 0)
        {
            return new FindResult(this, null, -1, [], candidates);
        }
        var min = compatible.Min(c => c.Distance);
        var ties = compatible.Where(c => c.Distance == min).Select(c => c.Provider).ToList();
        return new FindResult(this, ties[random.Next(ties.Count)], min, ties, candidates);
    }

    private static string FirstRefusal(P2pRules rules, int provider, int[] clients)
    {
        foreach (var c in clients)
        {
            var explanation = rules.Explain(provider, c);
            if (explanation.MapType == MapType.NotSupported)
            {
                return $"client {explanation.Client}: {explanation.Reason}";
            }
        }
        return "not supported";
    }
}
