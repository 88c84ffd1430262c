using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The outcome of a decision: providers in the order to try them, and the explanation. <see cref="WaitsForInFlight"/>:
/// nothing fits now, but a provider was refused only for bytes in flight there; once those are answered the
/// decision may change, so it is taken again rather than refused. <see cref="Unavailable"/>: nothing fits, and a
/// provider was refused because its pool is unavailable (the node's reason): a passing state, not a "no".
/// </summary>
public sealed record PlacementDecision(IReadOnlyList<string> Ranked, PlacementExplanation Explanation, bool WaitsForInFlight = false, string? Unavailable = null)
{
    public string? Chosen => Ranked.Count > 0 ? Ranked[0] : null;
}

/// <summary>
/// Chooses a provider on one host (ARCHITECTURE §5.4). Hard filters, each with its reason: not published,
/// NOT_SUPPORTED for a client, level above <c>maxLevel</c>, draining, overcommitted, not enough contiguous space,
/// not the pinned provider. Then ranking: all clients BUS_ADDR before any THRU_HOST_BRIDGE; lower distance sum; wider
/// bottleneck link; best fit (smallest sufficient largest-free-extent); lower reserved fraction; address order. Every
/// provider of the host appears in the explanation with its verdict per client. Plain C#: the coordinator calls it.
/// </summary>
public static class PlacementDecider
{
    /// <summary>
    /// Ranks on verdicts alone, then explains: every provider when nothing is chosen or the request asks for the full
    /// explanation, else the chosen provider and the rejected ones closer than it (<see cref="PlacementExplanation.Omitted"/> counts the rest). Both
    /// passes run the same <see cref="Evaluate"/>; the first builds no text, which is most of a decision's cost.
    /// </summary>
    public static PlacementDecision Decide(HostState host, PlacementRequest request, Random random)
    {
        var rules = host.Rules;
        var clients = request.Clients.Select(rules.RequireIndex).ToArray();
        var need = Granules(request.SizeBytes);
        var restriction = request.Mode.Restriction(host, request.Clients, random);
        var providers = host.Topology.Providers;
        var eligible = new List<(PciAddress Provider, Key Key)>();
        var rejected = new List<(PciAddress Provider, Key Key)>();
        var blockedByInFlight = false;
        string? unavailable = null;
        foreach (var provider in providers)
        {
            var (_, key, passing, isEligible) = Evaluate(host, request, clients, need, provider.Address, restriction, explain: false);
            (isEligible ? eligible : rejected).Add((provider.Address, key));
            blockedByInFlight |= passing == PassingBlock.InFlight;
            if (passing == PassingBlock.Unavailable && host.Pools[provider.Address.ToString()].Unavailable is { } why)
            {
                var bdf = provider.Address.ToString();
                unavailable ??= why.Contains(bdf, StringComparison.Ordinal) ? why : $"pool {bdf} on {host.Host} is unavailable: {why}";
            }
        }
        eligible.Sort((a, b) => a.Key.CompareTo(b.Key));
        var ranked = eligible.Select(e => e.Provider.ToString()).ToList();
        var rank = new Dictionary<PciAddress, int>(eligible.Count);
        for (var i = 0; i < eligible.Count; i++)
        {
            rank[eligible[i].Provider] = i + 1;
        }
        var explained = ranked.Count > 0 && !request.FullExplanation ? [eligible[0].Provider, .. CloserRejected(eligible[0].Key, rejected)] : providers.Select(p => p.Address);
        var candidates = explained
            .Select(p => (Provider: p, Explanation: Evaluate(host, request, clients, need, p, restriction, explain: true).Explanation!))
            .Select(e => rank.TryGetValue(e.Provider, out var r)
                ? e.Explanation with { Rank = r, Reason = r == 1 ? "chosen: " + e.Explanation.Reason : $"ranked {r}: " + e.Explanation.Reason }
                : e.Explanation)
            .OrderBy(c => c.Eligible ? c.Rank : int.MaxValue).ThenBy(c => c.Provider, StringComparer.Ordinal)
            .ToList();
        var warnings = new List<string>();
        if (host.Status != HostStatus.Up)
        {
            warnings.Add($"host {host.Host} is {host.Status}");
        }
        return new PlacementDecision(ranked, new PlacementExplanation(host.Host, request.Mode.Name, ranked.FirstOrDefault(), candidates, warnings,
            Omitted: providers.Count - candidates.Count),
            WaitsForInFlight: ranked.Count == 0 && blockedByInFlight, Unavailable: ranked.Count == 0 ? unavailable : null);
    }

    /// <summary>How many rejected providers closer than the chosen one a summary explains (the history keeps them: "why not the closer one?").</summary>
    public const int CloserExplained = 3;

    /// <summary>Rejected providers closer to the clients than the chosen one (no host bridge where it has one, or fewer hops), closest first.</summary>
    private static IEnumerable<PciAddress> CloserRejected(Key chosen, List<(PciAddress Provider, Key Key)> rejected)
        => rejected.Where(r => (r.Key.ThroughHostBridge, r.Key.DistanceSum).CompareTo((chosen.ThroughHostBridge, chosen.DistanceSum)) < 0)
            .OrderBy(r => r.Key).Take(CloserExplained).Select(r => r.Provider);

    /// <summary>What kept a provider out that passes by itself: bytes in flight there, or its pool being down.</summary>
    private enum PassingBlock
    {
        None,
        InFlight,
        Unavailable,
    }

    /// <summary>A size in bytes rounded up to whole 4 KiB granules, as the node allocates; saturating, so a size near long.MaxValue never wraps around and "fits".</summary>
    public static long Granules(long sizeBytes) => sizeBytes > long.MaxValue - 4095 ? long.MaxValue : (sizeBytes + 4095) / 4096 * 4096;

    /// <summary>Ranking key; compares in the order of §5.4.</summary>
    private readonly record struct Key(int ThroughHostBridge, int DistanceSum, double NegativeBottleneck, long LargestFree, double ReservedFraction, PciAddress Address)
        : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var c = ThroughHostBridge.CompareTo(other.ThroughHostBridge);
            if (c != 0)
            {
                return c;
            }
            c = DistanceSum.CompareTo(other.DistanceSum);
            if (c != 0)
            {
                return c;
            }
            c = NegativeBottleneck.CompareTo(other.NegativeBottleneck);
            if (c != 0)
            {
                return c;
            }
            c = LargestFree.CompareTo(other.LargestFree);
            if (c != 0)
            {
                return c;
            }
            c = ReservedFraction.CompareTo(other.ReservedFraction);
            return c != 0 ? c : Address.CompareTo(other.Address);
        }
    }

    /// <summary>The text of a rejection where no explanation is built: only its being one counts.</summary>
    private const string Rejected = "rejected";

    /// <returns>
    /// The candidate's explanation (null without <paramref name="explain"/>), its ranking key, what kept it out if that
    /// passes by itself, and whether it is eligible. Without <paramref name="explain"/> no text is built: verdicts come
    /// from <see cref="P2pRules.Verdict(int, int)"/>, not <see cref="P2pRules.Explain"/>; the filters are the same code.
    /// </returns>
    private static (CandidateExplanation? Explanation, Key Key, PassingBlock Passing, bool Eligible) Evaluate(HostState host, PlacementRequest request, int[] clients, long need,
        PciAddress provider, Func<PciAddress, string?> restriction, bool explain)
    {
        var rules = host.Rules;
        var p = rules.RequireIndex(provider);
        var bdf = provider.ToString();
        var explanations = explain ? clients.Select(c => rules.Explain(p, c)).ToList() : null;
        var verdicts = new (MapType MapType, int Distance, P2pLevel Level)[clients.Length];
        for (var i = 0; i < clients.Length; i++)
        {
            // An explanation carries its verdict and level: asked once, whichever pass this is.
            var (v, level) = explanations is null ? (rules.Verdict(p, clients[i]), rules.Level(p, clients[i])) : (explanations[i].Verdict, explanations[i].Level);
            verdicts[i] = (v.MapType, v.Distance, level);
        }
        var distanceSum = verdicts.Sum(v => v.Distance);
        var worstLevel = verdicts.Length == 0 ? P2pLevel.X : verdicts.Max(v => v.Level);
        var narrowest = clients.Select(c => rules.BottleneckLink(p, c)).OfType<LinkInfo>().MinBy(l => l.Bandwidth);
        var bottleneck = narrowest?.Bandwidth ?? 0;
        host.Pools.TryGetValue(bdf, out var pool);
        var function = host.Topology.Get(provider);
        var refusedClient = Array.FindIndex(verdicts, v => v.MapType == MapType.NotSupported);
        string? rejection = null;
        var passing = PassingBlock.None;
        if (request.PinnedProvider is { } pinned && pinned != provider)
        {
            rejection = explain ? $"not the pinned provider {pinned}" : Rejected;
        }
        else if (function.P2pMem is not { Published: true })
        {
            rejection = "p2pmem is not published: it belongs to its device's driver";
        }
        else if (pool is { Reported: { Published: false, Unavailable: null } gone })
        {
            // The node's poll of the live kernel, newer than the registered topology.
            rejection = gone.KernelSizeBytes == 0
                ? "the kernel no longer lists this provider's p2pmem (device removed or its driver unbound)"
                : "p2pmem is no longer published: the kernel's p2pmem/published reads 0";
        }
        else if (refusedClient >= 0)
        {
            rejection = explanations is null ? Rejected : $"client {explanations[refusedClient].Client}: {explanations[refusedClient].Reason}";
        }
        else if (request.MaxLevel is { } max && worstLevel > max)
        {
            rejection = explain ? $"level {worstLevel} is farther than maxLevel {max}" : Rejected;
        }
        else if (host.Drained || host.DrainedProviders.Contains(bdf))
        {
            rejection = !explain ? Rejected : host.Drained ? $"host {host.Host} is draining" : $"provider {bdf} is draining";
        }
        else if (pool is null)
        {
            rejection = "the node has not reported this pool";
        }
        else if (pool.Unavailable is { } why)
        {
            rejection = explain ? "pool unavailable: " + why : Rejected;
            passing = PassingBlock.Unavailable;
        }
        else if (pool.Reported.Overcommitted)
        {
            rejection = explain ? $"pool overcommitted: the kernel has {pool.Reported.KernelAvailableBytes} bytes available, below what we hold" : Rejected;
        }
        else if (pool.LargestFreeExtentBytes < need)
        {
            var inFlightOnly = pool.Reported.LargestFreeExtentBytes >= need;
            passing = inFlightOnly && restriction(provider) is null ? PassingBlock.InFlight : PassingBlock.None;
            rejection = !explain ? Rejected : inFlightOnly
                ? $"not enough contiguous space while {pool.InFlightBytes} bytes are being allocated there: largest free extent {pool.Reported.LargestFreeExtentBytes} bytes less those, need {need}"
                : $"not enough contiguous space: largest free extent {pool.LargestFreeExtentBytes} bytes, need {need}";
        }
        else
        {
            rejection = restriction(provider);
        }
        var throughHostBridge = verdicts.Any(v => v.MapType == MapType.ThruHostBridge);
        var reserved = pool is null || pool.Reported.CapacityBytes == 0 ? 1 : 1.0 - ((double)pool.AvailableBytes / pool.Reported.CapacityBytes);
        var key = new Key(throughHostBridge ? 1 : 0, distanceSum, -bottleneck, pool?.LargestFreeExtentBytes ?? 0, reserved, provider);
        if (explanations is null)
        {
            return (null, key, passing, rejection is null);
        }
        var clientVerdicts = explanations.Select(v => new ClientVerdict(v.Client.ToString(), v.MapType.ToWire(), v.Distance, v.Level.ToString(), v.Reason, Name: host.Topology.Get(v.Client).OsName)).ToList();
        var reason = rejection ?? string.Create(CultureInfo.InvariantCulture,
            $"{(throughHostBridge ? "through the host bridge" : "all clients BUS_ADDR")}, distance {distanceSum}, level {worstLevel}, bottleneck {bottleneck:0.#} GT/s×lanes, largest free {pool!.LargestFreeExtentBytes} bytes");
        var explanation = new CandidateExplanation(bdf, rejection is null, 0, distanceSum, worstLevel.ToString(), bottleneck,
            pool?.AvailableBytes ?? 0, pool?.LargestFreeExtentBytes ?? 0, clientVerdicts, reason,
            narrowest is { Speed: { } speed, Width: { } width } ? new BottleneckLink(speed, width, Math.Round(LinkRates.GigabytesPerSecond(speed, width), 2), LinkRates.Describe(speed, width)) : null,
            function.OsName);
        return (explanation, key, passing, rejection is null);
    }
}
