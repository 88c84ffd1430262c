using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.P2p;

/// <summary>How a provider is chosen among the published ones (ARCHITECTURE §5.3).</summary>
public enum FindPolicy
{
    /// <summary>Linux <c>pci_p2pmem_find_many</c>: minimum distance sum, ties broken at random, capacity ignored.</summary>
    Kernel,

    /// <summary>The original 2017 proposal: provider and every client behind the same switch upstream port; first match in address order.</summary>
    Rfc2017,
}

/// <summary>One provider considered by a find: its kernel distance sum and whether the policy accepts it.</summary>
public sealed record FindCandidate(PciAddress Provider, int Distance, bool Compatible, string Reason);

/// <summary>The outcome of a find: the chosen provider (null when none), its distance, every tie and every candidate.</summary>
public sealed record FindResult(FindPolicy Policy, PciAddress? Provider, int Distance, IReadOnlyList<PciAddress> Ties, IReadOnlyList<FindCandidate> Candidates);

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
            var (compatible, reason) = policy == FindPolicy.Kernel
                ? (sum >= 0, sum >= 0 ? $"distance {sum}" : FirstRefusal(providers[k], clients))
                : Rfc2017Compatible(providers[k], clients);
            candidates.Add(new FindCandidate(functions[providers[k]].Address, sum, compatible, reason));
        }
        if (policy == FindPolicy.Rfc2017)
        {
            var first = candidates.FirstOrDefault(c => c.Compatible);
            return new FindResult(policy, first?.Provider, first?.Distance ?? -1, first is null ? [] : [first.Provider], candidates);
        }
        var compatibleOnes = candidates.Where(c => c.Compatible).ToList();
        if (compatibleOnes.Count == 0)
        {
            return new FindResult(policy, null, -1, [], candidates);
        }
        var min = compatibleOnes.Min(c => c.Distance);
        var ties = compatibleOnes.Where(c => c.Distance == min).Select(c => c.Provider).ToList();
        return new FindResult(policy, ties[random.Next(ties.Count)], min, ties, candidates);
    }

    private string FirstRefusal(int provider, int[] clients)
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

    /// <summary>RFC 2017: compatible only when the provider and every client have the same switch upstream port two levels up.</summary>
    private (bool Compatible, string Reason) Rfc2017Compatible(int provider, int[] clients)
    {
        var functions = rules.Topology.Functions;
        var port = SwitchUpstreamPort(provider);
        if (port < 0)
        {
            return (false, $"provider {functions[provider].Address} is not behind a switch upstream port");
        }
        foreach (var c in clients)
        {
            var clientPort = SwitchUpstreamPort(c);
            if (clientPort != port)
            {
                return (false, clientPort < 0
                    ? $"client {functions[c].Address} is not behind a switch upstream port"
                    : $"client {functions[c].Address} is behind switch {functions[clientPort].Address}, the provider behind {functions[port].Address}");
            }
        }
        return (true, $"provider and clients are behind switch {functions[port].Address}");
    }

    private int SwitchUpstreamPort(int x)
    {
        var up1 = rules.Upstream(x);
        var up2 = up1 < 0 ? -1 : rules.Upstream(up1);
        return up2 >= 0 && rules.Topology.Functions[up2].Kind == DeviceKind.SwitchUpstream ? up2 : -1;
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
