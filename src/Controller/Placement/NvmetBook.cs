using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// What each node last read of its placements' nvmet namespaces (<see cref="NvmetStatus"/>). Observations, not
/// decisions: kept in memory, never journaled; a controller that takes over learns them from the nodes, which report
/// everything after each registration.
/// </summary>
public sealed class NvmetBook
{
    private readonly Dictionary<string, NvmetStatus> statuses = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes a node's report for the placements the book has on that host with an NVMe-oF target and not yet
    /// released; returns the statuses whose state changed (for the log). A report about another host's placement, or
    /// one released since, is ignored: a node reports only on its own namespaces.
    /// </summary>
    public List<(NvmetStatus Status, NvmetState? Before)> Take(NvmetReport report, PlacementBook book)
    {
        var changed = new List<(NvmetStatus, NvmetState?)>();
        foreach (var status in report.Statuses)
        {
            if (status.Desired is null || book.Find(status.PlacementId) is not { Nvmeof.Apply: true, State: PlacementState.Committed } placement || placement.Host != report.Host)
            {
                continue;
            }
            NvmetState? before = statuses.TryGetValue(status.PlacementId, out var old) ? old.State : null;
            statuses[status.PlacementId] = status;
            if (before != status.State)
            {
                changed.Add((status, before));
            }
        }
        return changed;
    }

    /// <summary>The view with its namespace's last reading, while it is committed (a released namespace is no longer watched).</summary>
    public PlacementView With(PlacementView view)
        => view.State == PlacementState.Committed && statuses.TryGetValue(view.PlacementId, out var status) ? view with { Nvmet = status } : view;

    /// <summary>Committed placements by nvmet state; readings of placements no longer committed are dropped here.</summary>
    public List<StateCount> Counts(PlacementBook book)
    {
        foreach (var gone in statuses.Keys.Where(id => book.Find(id) is not { State: PlacementState.Committed }).ToList())
        {
            statuses.Remove(gone);
        }
        return statuses.Values.GroupBy(s => s.State).Select(g => new StateCount(NvmetStates.Name(g.Key), g.Count())).ToList();
    }
}
