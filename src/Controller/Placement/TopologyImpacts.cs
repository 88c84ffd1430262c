using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// Committed placements whose verdicts changed when their host's tree did (issue 13): each client's map type, level,
/// distance and bottleneck under the old tree and the new. Flags for operators, kept in memory (a controller that
/// takes over compares from the first tree it sees); nothing is freed or moved.
/// </summary>
public sealed class TopologyImpacts
{
    private readonly Dictionary<string, TopologyImpact> impacts = new(StringComparer.Ordinal);

    /// <summary>Compares every placement given under both trees; returns the ones newly flagged or whose verdicts changed again.</summary>
    public List<(PlacementView Placement, TopologyImpact Impact)> Record(IEnumerable<PlacementView> placements, P2pRules before, P2pRules after,
        IReadOnlyList<TopologyChangeDocument> changes, DateTime now)
    {
        var flagged = new List<(PlacementView, TopologyImpact)>();
        foreach (var p in placements)
        {
            var (was, becomes) = (Verdicts(before, p), Verdicts(after, p));
            if (was == becomes)
            {
                continue;
            }
            // The first verdicts and time stay: what the placement was decided on, against what it has now.
            var impact = impacts.TryGetValue(p.PlacementId, out var earlier)
                ? earlier with { Changes = [.. earlier.Changes, .. changes], After = becomes }
                : new TopologyImpact(changes, was, becomes, now);
            impacts[p.PlacementId] = impact;
            flagged.Add((p, impact));
        }
        return flagged;
    }

    public PlacementView With(PlacementView view)
        => view.State == PlacementState.Committed && impacts.TryGetValue(view.PlacementId, out var impact) ? view with { Affected = impact } : view;

    /// <summary>Each client's verdict as an operator reads it, or what is gone.</summary>
    public static string Verdicts(P2pRules rules, PlacementView placement)
    {
        var provider = rules.IndexOf(PciAddress.Parse(placement.Provider));
        if (provider < 0)
        {
            return $"provider {placement.Provider} is gone";
        }
        return string.Join("; ", placement.Clients.Select(c =>
        {
            var client = rules.IndexOf(PciAddress.Parse(c));
            if (client < 0)
            {
                return $"{c}: gone";
            }
            var e = rules.Explain(provider, client);
            var bottleneck = rules.BottleneckLink(provider, client);
            return $"{c}: {e.MapType.ToWire()} {e.Level} distance {e.Distance}"
                + (bottleneck is { Speed: { } speed, Width: { } width } ? $", bottleneck {LinkRates.Describe(speed, width)}" : string.Empty);
        }));
    }
}
