using Orchestrator.Protocol;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.P2p;

/// <summary>
/// Chooses a p2pmem provider for a set of clients. Only published providers are candidates in every mode:
/// unpublished p2pmem belongs to its device's driver. Distances of each published provider to a client are
/// computed once per client and cached, as the kernel caches map types per provider, so that a kernel-mode find
/// over many providers costs a few table reads per provider.
/// </summary>
public sealed class ProviderFinder
{
    private readonly P2pRules rules;
    private readonly int[] providers;
    private readonly int n;

    // distances[k * n + client]: distance of provider k to client, -1 when not supported; valid when known[client].
    private readonly int[] distances;
    private readonly bool[] known;

    public ProviderFinder(P2pRules rules)
    {
        this.rules = rules;
        n = rules.Count;
        providers = Enumerable.Range(0, n).Where(i => rules.Topology.Functions[i].HasPublishedP2pMem).ToArray();
        distances = new int[providers.Length * n];
        known = new bool[n];
    }

    public P2pRules Rules => rules;

    /// <summary>Indices of the published providers, in address order.</summary>
    public ReadOnlySpan<int> Providers => providers;

    /// <summary>
    /// The kernel's choice as an index (-1 when none): the published provider with the minimum
    /// <c>distance_many</c>, a tie broken by <paramref name="random"/>. Allocates nothing once the clients'
    /// distances are cached.
    /// </summary>
    public int FindKernel(ReadOnlySpan<int> clients, Random random)
    {
        if (clients.Length == 0)
        {
            return -1;
        }
        foreach (var c in clients)
        {
            EnsureColumn(c);
        }
        Span<int> ties = providers.Length <= 256 ? stackalloc int[providers.Length] : new int[providers.Length];
        var count = 0;
        var best = int.MaxValue;
        for (var k = 0; k < providers.Length; k++)
        {
            var sum = CachedDistanceMany(k, clients);
            if (sum < 0 || sum > best)
            {
                continue;
            }
            if (sum < best)
            {
                best = sum;
                count = 0;
            }
            ties[count++] = providers[k];
        }
        // As the kernel: a uniformly random index into the array of closest providers.
        return count == 0 ? -1 : ties[random.Next(count)];
    }

    /// <summary>The full answer of a find, with every candidate and its reason.</summary>
    public FindResult Find(IReadOnlyList<PciAddress> clientAddresses, FindPolicy policy, Random random)
    {
        if (clientAddresses.Count == 0)
        {
            throw new TopologyException("at least one client is needed");
        }
        var clients = clientAddresses.Select(rules.RequireIndex).ToArray();
        foreach (var c in clients)
        {
            EnsureColumn(c);
        }
        var functions = rules.Topology.Functions;
        var candidates = new List<FindCandidate>(providers.Length);
        for (var k = 0; k < providers.Length; k++)
        {
            var sum = CachedDistanceMany(k, clients);
            var (compatible, reason) = policy.Judge(rules, providers[k], clients, sum);
            candidates.Add(new FindCandidate(functions[providers[k]].Address, sum, compatible, reason));
        }
        return policy.Choose(candidates, random);
    }

    private int CachedDistanceMany(int k, ReadOnlySpan<int> clients)
    {
        var sum = 0;
        var row = k * n;
        foreach (var c in clients)
        {
            var d = distances[row + c];
            if (d < 0)
            {
                return -1;
            }
            sum += d;
        }
        return sum;
    }

    private void EnsureColumn(int client)
    {
        if (Volatile.Read(ref known[client]))
        {
            return;
        }
        for (var k = 0; k < providers.Length; k++)
        {
            var v = rules.Verdict(providers[k], client);
            distances[k * n + client] = v.IsSupported ? v.Distance : -1;
        }
        Volatile.Write(ref known[client], true);
    }
}
