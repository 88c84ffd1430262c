using Orchestrator.Protocol.Controller;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The hosts the coordinator knows: each one's state (topology, pool views, drains), the agent that registered it,
/// the cluster member it registered from, and that agent's incarnation. It takes the node's pool figures as they
/// are (newest revision wins) and carries the bytes in flight across re-registrations. Plain C#: the agent is
/// whatever the caller addresses a node with.
/// </summary>
public sealed class HostRegistry<TAgent>
    where TAgent : class
{
    private readonly Dictionary<string, Entry> hosts = new(StringComparer.Ordinal);

    public sealed record Entry(HostState State, TAgent Agent, string Member, long Incarnation, string Identity);

    public int Count => hosts.Count;

    /// <summary>Registrations refused since this coordinator started (another node identity, a forged incarnation, no identity).</summary>
    public int Refused { get; private set; }

    /// <summary>Every host, in name order.</summary>
    public IEnumerable<Entry> All => hosts.Values.OrderBy(h => h.State.Host, StringComparer.Ordinal);

    public Entry? Find(string host) => hosts.GetValueOrDefault(host);

    /// <summary>
    /// Records a registration: the new entry, or why not. A host is held by one node identity: while the host is up,
    /// a registration of its name from another identity is refused (and recorded on the host), so an impostor or a
    /// misconfigured second agent never changes its placements; a host that is down may be taken by a new identity
    /// (a reinstalled node). From the same identity, an older incarnation than the one we have (a late message of an
    /// agent that restarted since) is stale, and an incarnation in the future is refused (it would lock the real
    /// agent out). For the same incarnation, a pool's newer figures already received (a grant that crossed the
    /// registration) are kept; for any incarnation, bytes still in flight stay counted until their answers arrive.
    /// </summary>
    public (Entry? Entry, string? Refusal) Register(RegisterHost m, TAgent agent, string member, Func<string, string?, bool> isDrained, DateTime now)
    {
        var known = Find(m.Host);
        if (string.IsNullOrWhiteSpace(m.Identity))
        {
            return Refuse($"host {m.Host}: refusing a registration from {member} that carries no node identity");
        }
        if (m.Incarnation > now.Ticks + TimeSpan.TicksPerHour)
        {
            return Refuse($"host {m.Host}: refusing a registration from {member} whose incarnation {m.Incarnation} lies more than an hour ahead of this controller's clock");
        }
        if (known is not null && known.Identity != m.Identity && known.State.Status == HostStatus.Up)
        {
            known.State.Conflict = $"{now:u}: refused a registration from node identity {m.Identity} at {member}: the host is up and held by node identity {known.Identity} at {known.Member}";
            return Refuse($"host {m.Host}: {known.State.Conflict}");
        }
        if (known is not null && known.Identity == m.Identity && known.Incarnation > m.Incarnation)
        {
            return (null, $"host {m.Host}: ignoring a registration from an older incarnation at {member}");
        }
        HostTopology topology;
        try
        {
            topology = TopologyDocumentMapper.ToModel(m.Topology, $"registration of {m.Host}", m.Host);
        }
        catch (TopologyException e)
        {
            return (null, $"host {m.Host} sent a topology we cannot read: {e.Message}");
        }
        var state = new HostState(topology, m.Pools.Select(p => p.ToSummary())) { Drained = isDrained(topology.Host, null), Conflict = known?.State.Conflict, UnknownBuffers = known?.State.UnknownBuffers ?? 0 };
        foreach (var provider in state.Pools.Keys.Where(p => isDrained(topology.Host, p)))
        {
            state.DrainedProviders.Add(provider);
        }
        if (known is not null)
        {
            foreach (var (provider, view) in state.Pools)
            {
                if (known.State.Pools.TryGetValue(provider, out var old))
                {
                    view.Reserve(old.InFlightBytes);
                    // Only strictly newer figures: the registration's own are as fresh as any of the same revision.
                    if (known.Incarnation == m.Incarnation && known.Identity == m.Identity && old.Reported.Revision > view.Reported.Revision)
                    {
                        view.Take(old.Reported);
                    }
                }
            }
        }
        return (hosts[topology.Host] = new Entry(state, agent, member, m.Incarnation, m.Identity), null);
    }

    /// <summary>Counts a registration refused for a reason decided elsewhere (a host journaled under another node identity).</summary>
    public void NoteRefused(string host, string reason)
    {
        Refused++;
        if (Find(host) is { } known)
        {
            known.State.Conflict = reason;
        }
    }

    private (Entry?, string?) Refuse(string reason)
    {
        Refused++;
        return (null, reason);
    }

    /// <summary>The host when it is registered and up, else the refusal to answer (unknown: 404, not up: 503).</summary>
    public (Entry? Entry, PlacementRejected? Refusal) Reachable(string host)
        => Find(host) is not { } entry ? (null, PlacementQueries.UnknownHost(host))
            : entry.State.Status != HostStatus.Up ? (null, new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{host}' is {entry.State.Status}", null))
            : (entry, null);

    /// <summary>Why a drain cannot be set (unknown host or provider), or null.</summary>
    public PlacementRejected? DrainRefusal(SetDrain m)
        => Find(m.Host) is not { } entry ? PlacementQueries.UnknownHost(m.Host)
            : m.Provider is not null && !entry.State.Pools.ContainsKey(m.Provider)
                ? new PlacementRejected(PlacementErrorKind.UnknownDevice, $"host '{m.Host}' has no pool on '{m.Provider}'", null)
            : null;

    /// <summary>Takes a node's figures for one pool (from any reply about it); false when older than ours or the pool is unknown.</summary>
    public bool TakeReport(string host, Protocol.Node.PoolSummary? summary)
        => summary is not null && Find(host)?.State.Pools.TryGetValue(summary.Provider, out var view) == true && view.Take(summary);

    public void MarkUnavailable(string host, string provider, string reason) => View(host, provider)?.MarkUnavailable(reason);

    public void Distrust(string host, string provider, string reason) => View(host, provider)?.Distrust(reason);

    public void Reserve(string host, string provider, long bytes) => View(host, provider)?.Reserve(bytes);

    public void Unreserve(string host, string provider, long bytes) => View(host, provider)?.Unreserve(bytes);

    /// <summary>Sets the status of every host registered from <paramref name="member"/>; returns the hosts whose status changed.</summary>
    public IReadOnlyList<string> SetStatus(string member, HostStatus status)
    {
        var changed = new List<string>();
        foreach (var entry in hosts.Values.Where(h => h.Member == member && h.State.Status != status))
        {
            entry.State.Status = status;
            changed.Add(entry.State.Host);
        }
        return changed;
    }

    /// <summary>Applies a drain (of the host when <paramref name="provider"/> is null) to the live view.</summary>
    public void SetDrain(string host, string? provider, bool drained)
    {
        if (Find(host)?.State is not { } state)
        {
            return;
        }
        if (provider is null)
        {
            state.Drained = drained;
        }
        else if (drained)
        {
            state.DrainedProviders.Add(provider);
        }
        else
        {
            state.DrainedProviders.Remove(provider);
        }
    }

    private PoolView? View(string host, string provider) => Find(host)?.State.Pools.GetValueOrDefault(provider);
}
