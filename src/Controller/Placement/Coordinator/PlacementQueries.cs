using Orchestrator.Protocol.Controller;
using Orchestrator.Topology.Files;

namespace Orchestrator.Controller.Placement;

/// <summary>The coordinator's read-only answers, from the book and the host registry.</summary>
public static class PlacementQueries
{
    /// <summary>Placements in id order, filtered by host, state, nvmet state and topology impact, one page, each as <paramref name="observed"/> shows it.</summary>
    public static PlacementList List(PlacementBook book, Func<PlacementView, PlacementView> observed, ListPlacements m)
    {
        var matching = book.All
            .Where(p => (m.Host is null || p.Host == m.Host) && (m.State is null || p.State == m.State))
            .Select(observed)
            .Where(p => (m.Nvmet is null || p.Nvmet?.State == m.Nvmet) && (m.Affected is null || (p.Affected is not null) == m.Affected))
            .OrderBy(p => p.PlacementId, StringComparer.Ordinal)
            .ToList();
        return new PlacementList(matching.Skip(Math.Max(0, m.Offset)).Take(Math.Max(0, m.Limit)).ToList(), matching.Count);
    }

    public static object Placement(PlacementBook book, Func<PlacementView, PlacementView> observed, string id) => book.Find(id) is { } p ? new PlacementFound(observed(p)) : UnknownPlacement(id);

    public static HostList Hosts<TAgent>(HostRegistry<TAgent> hosts)
        where TAgent : class
        => new(hosts.All.Select(View).ToList());

    public static object Topology<TAgent>(HostRegistry<TAgent> hosts, string host)
        where TAgent : class
        => hosts.Find(host) is { } h ? new HostTopologyFound(host, TopologyDocumentMapper.ToDocument(h.State.Topology, withDiagnostics: true)) : UnknownHost(host);

    public static ControllerStats Stats<TAgent>(PlacementBook book, HostRegistry<TAgent> hosts)
        where TAgent : class
    {
        var placements = book.All.GroupBy(p => p.State).Select(g => new StateCount(g.Key.ToString(), g.Count()));
        var hostCounts = hosts.All.GroupBy(h => h.State.Status).Select(g => new StateCount(g.Key.ToString(), g.Count()));
        var pools = hosts.All.SelectMany(h => h.State.Pools.Values.Select(p => p.Reported)
            .Select(p => new PoolGauge(h.State.Host, p.Provider, p.CapacityBytes, p.AvailableBytes, p.AllocationCount, p.KernelSizeBytes, p.KernelAvailableBytes, p.Overcommitted)));
        return new ControllerStats([.. placements], [.. hostCounts], [.. pools], hosts.Refused);
    }

    public static PlacementRejected UnknownHost(string host) => new(PlacementErrorKind.UnknownHost, $"unknown host '{host}'", null);

    public static PlacementRejected UnknownPlacement(string id) => new(PlacementErrorKind.UnknownPlacement, $"unknown placement '{id}'", null);

    private static HostView View<TAgent>(HostRegistry<TAgent>.Entry h)
        where TAgent : class
        => new(h.State.Host, h.State.Status, h.Member, h.State.Topology.Cpu.Vendor, h.State.Topology.Cpu.Family,
            h.State.Drained, h.State.DrainedProviders.Order(StringComparer.Ordinal).ToList(),
            h.State.Pools.Values.Select(p => p.Reported).OrderBy(p => p.Provider, StringComparer.Ordinal).ToList(), h.Identity, h.State.Conflict, h.State.UnknownBuffers);
}
