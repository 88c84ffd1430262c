using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The coordinator's durable state: every placement and its state, the request-id index, and drains. Plain C#:
/// the coordinator persists events and applies them here (idempotently), on the live path and on replay alike.
/// Finished placements (released, failed, lost) are kept for the last <paramref name="keepFinished"/> of them, then
/// forgotten: they answer retries and history, and without a bound the book (and every snapshot) grows forever.
/// </summary>
public sealed class PlacementBook(int keepFinished = PlacementBook.DefaultKeepFinished)
{
    public const int DefaultKeepFinished = 10_000;

    private readonly Dictionary<string, Entry> placements = new(StringComparer.Ordinal);
    private readonly Queue<string> finished = new();
    private readonly Dictionary<string, DrainChanged> drains = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> identities = new(StringComparer.Ordinal);

    // The placements of each host, live and remembered finished ones: every registration reads its host's (reconcile,
    // rewound pools, desired namespaces), and a scan of the whole book each time cost P6 a tenth of its CPU.
    private readonly Dictionary<string, HashSet<string>> byHost = new(StringComparer.Ordinal);

    private sealed record Entry(PlacementRequested Request, PlacementState State, long? Offset, long? Length, string? Reason, bool Retryable = false, long PoolRevision = 0);

    public int Count => placements.Count;

    public IEnumerable<DrainChanged> Drains => drains.Values;

    public PlacementView? Find(string placementId) => placements.TryGetValue(placementId, out var e) ? View(e) : null;

    public PlacementRequested? RequestOf(string placementId) => placements.TryGetValue(placementId, out var e) ? e.Request : null;

    public IEnumerable<PlacementView> All => placements.Values.Select(View);

    /// <summary>The node identity the host's placements are journaled under, or null for a host never identified.</summary>
    public string? IdentityOf(string host) => identities.GetValueOrDefault(host);

    /// <summary>Every host whose node identity the journal holds: each registered with a controller of this journal once.</summary>
    public IEnumerable<string> KnownHosts => identities.Keys;

    /// <summary>Whether any placement names this host: a host we have journaled for, though it has not registered (yet).</summary>
    public bool Knows(string host) => byHost.ContainsKey(host);

    public IEnumerable<PlacementView> OnHost(string host)
        => byHost.TryGetValue(host, out var ids) ? ids.Select(id => View(placements[id])) : [];

    public void Apply(IPlacementEvent @event)
    {
        switch (@event)
        {
            case PlacementRequested r:
                Add(new Entry(r.ForBook(), PlacementState.Pending, null, null, null));
                break;
            case PlacementCommitted c when placements.TryGetValue(c.PlacementId, out var e):
                placements[c.PlacementId] = e with { State = PlacementState.Committed, Offset = c.Offset, Length = c.Length, Reason = null, PoolRevision = c.PoolRevision };
                break;
            case PlacementFailed f when placements.TryGetValue(f.PlacementId, out var e):
                placements[f.PlacementId] = e with { State = PlacementState.Failed, Reason = f.Reason, Retryable = f.Retryable };
                Finished(f.PlacementId, e.State);
                break;
            case ReleaseRequested r when placements.TryGetValue(r.PlacementId, out var e) && e.State == PlacementState.Committed:
                placements[r.PlacementId] = e with { State = PlacementState.Releasing };
                break;
            case PlacementReleased r when placements.TryGetValue(r.PlacementId, out var e):
                placements[r.PlacementId] = e with { State = PlacementState.Released };
                Finished(r.PlacementId, e.State);
                break;
            case PlacementLost l when placements.TryGetValue(l.PlacementId, out var e):
                placements[l.PlacementId] = e with { State = PlacementState.Lost, Reason = l.Reason };
                Finished(l.PlacementId, e.State);
                break;
            case DrainChanged d:
                drains[DrainKey(d.Host, d.Provider)] = d with { Who = null };
                break;
            case HostIdentified h:
                identities[h.Host] = h.Identity;
                break;
        }
    }

    public CoordinatorSnapshot Snapshot()
        => new(placements.Values.Select(View).ToList(), placements.Values.Select(e => e.Request).ToList(), drains.Values.ToList(),
            identities.Select(i => new HostIdentified(i.Key, i.Value)).ToList());

    public void Restore(CoordinatorSnapshot snapshot)
    {
        placements.Clear();
        byHost.Clear();
        drains.Clear();
        finished.Clear();
        identities.Clear();
        foreach (var h in snapshot.Hosts ?? [])
        {
            identities[h.Host] = h.Identity;
        }
        var requests = snapshot.Requests.ToDictionary(r => r.PlacementId, StringComparer.Ordinal);
        foreach (var view in snapshot.Placements)
        {
            Add(new Entry(requests[view.PlacementId], view.State, view.Offset, view.Length, view.Reason, view.Retryable, view.PoolRevision));
            if (IsFinished(view.State))
            {
                finished.Enqueue(view.PlacementId);
            }
        }
        foreach (var d in snapshot.Drains)
        {
            drains[DrainKey(d.Host, d.Provider)] = d;
        }
    }

    public bool IsDrained(string host, string? provider) => drains.TryGetValue(DrainKey(host, provider), out var d) && d.Drained;

    private static bool IsFinished(PlacementState state) => state is PlacementState.Released or PlacementState.Failed or PlacementState.Lost;

    /// <summary>Records a placement that just finished, and forgets the oldest finished ones beyond the bound.</summary>
    private void Finished(string placementId, PlacementState before)
    {
        if (IsFinished(before))
        {
            return;
        }
        finished.Enqueue(placementId);
        while (finished.Count > keepFinished)
        {
            var oldest = finished.Dequeue();
            if (placements.TryGetValue(oldest, out var e) && IsFinished(e.State))
            {
                placements.Remove(oldest);
                if (byHost.TryGetValue(e.Request.Host, out var ids) && ids.Remove(oldest) && ids.Count == 0)
                {
                    byHost.Remove(e.Request.Host);
                }
            }
        }
    }

    private void Add(Entry entry)
    {
        var id = entry.Request.PlacementId;
        if (placements.TryGetValue(id, out var replaced) && replaced.Request.Host != entry.Request.Host
            && byHost.TryGetValue(replaced.Request.Host, out var old) && old.Remove(id) && old.Count == 0)
        {
            byHost.Remove(replaced.Request.Host);
        }
        placements[id] = entry;
        if (!byHost.TryGetValue(entry.Request.Host, out var ids))
        {
            byHost[entry.Request.Host] = ids = new HashSet<string>(StringComparer.Ordinal);
        }
        ids.Add(id);
    }

    private static string DrainKey(string host, string? provider) => provider is null ? host : $"{host}/{provider}";

    private static PlacementView View(Entry e)
        => new(e.Request.PlacementId, e.Request.RequestId, e.Request.Host, e.Request.Provider, e.Request.Clients, e.Request.SizeBytes,
            e.State, e.Offset, e.Length, e.Request.Nvmeof, e.Request.Mode, e.Reason, e.Retryable, e.PoolRevision, NamespaceDevice: e.Request.NamespaceDevice);
}
