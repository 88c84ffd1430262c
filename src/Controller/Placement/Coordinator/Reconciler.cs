using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// What a registration changes: events to journal, buffers to free on the node, committed placements to verify, and
/// the buffers the node holds that the journal has no placement for (<see cref="Unknown"/>: kept, never freed).
/// </summary>
public sealed record ReconcilePlan(IReadOnlyList<IPlacementEvent> Events, IReadOnlyList<FreeBuffer> Frees, IReadOnlyList<string> Suspects, IReadOnlyList<FreeBuffer> Unknown);

/// <summary>
/// Reconciliation (§7.3) from the placement book and a node's report of every pool, as plain decisions. A buffer on
/// the node whose placement is finished, or lives elsewhere, is an orphan: freed. A buffer the book has no placement
/// for at all is unknown: kept and counted, never freed, since nothing proves it is not in use. A pending placement left by a restart is committed
/// at the extent the node holds, or failed when the node never allocated it. A release left half-way is completed.
/// A committed placement the node does not report is only a suspect: a registration can cross a commit in flight,
/// so it is lost only when a snapshot asked for afterwards still lacks it (<see cref="ConfirmLost"/>). "Lost" needs
/// proof: only a pool that is reported, readable and available can prove an absence; a pool that is down, did not
/// answer or is missing from the report leaves its placements as they are. Placements in flight are never touched:
/// their own answers settle them.
/// </summary>
public static class Reconciler
{
    public static ReconcilePlan Plan(string host, IReadOnlyList<PoolStatus> pools, PlacementBook book, Func<string, bool> inFlight)
    {
        var readable = Readable(pools);
        var held = new Dictionary<string, (string Provider, long Revision, AllocationRecord Allocation)>(StringComparer.Ordinal);
        foreach (var pool in pools)
        {
            foreach (var a in pool.Allocations)
            {
                held[a.AllocationId] = (pool.Provider, pool.Revision, a);
            }
        }
        var events = new List<IPlacementEvent>();
        var frees = new List<FreeBuffer>();
        var unknown = new List<FreeBuffer>();
        foreach (var (id, (provider, revision, allocation)) in held)
        {
            var placement = book.Find(id);
            if (placement is null)
            {
                // Not ours to free on proof we lack: a controller on an emptied or replaced journal, or books from
                // another cluster, would otherwise free every live buffer of the host while NVMe-oF targets use them.
                unknown.Add(new FreeBuffer(provider, id));
            }
            else if (placement.Host != host || placement.Provider != provider
                || placement.State is PlacementState.Released or PlacementState.Failed or PlacementState.Lost)
            {
                frees.Add(new FreeBuffer(provider, id));
            }
            else if (placement.State == PlacementState.Pending && !inFlight(id))
            {
                events.Add(new PlacementCommitted(id, allocation.Offset, allocation.Length, revision, host, provider));
            }
            else if (placement.State == PlacementState.Releasing && !inFlight(id))
            {
                frees.Add(new FreeBuffer(provider, id));
            }
        }
        var suspects = new List<string>();
        // "Held" means held where the placement says: a buffer of that id on another provider is an orphan (freed above).
        // A pool that is down, unreadable or not reported at all says nothing about its placements: they are left as they are.
        foreach (var placement in book.OnHost(host).Where(p => readable.Contains(p.Provider)
            && !(held.TryGetValue(p.PlacementId, out var h) && h.Provider == p.Provider) && !inFlight(p.PlacementId)))
        {
            switch (placement.State)
            {
                case PlacementState.Committed:
                    suspects.Add(placement.PlacementId);
                    break;
                case PlacementState.Pending:
                    events.Add(new PlacementFailed(placement.PlacementId, $"host {host} never allocated it", Retryable: true, host, placement.Provider));  // nobody heard an answer: a retry is carried out
                    break;
                case PlacementState.Releasing:
                    events.Add(new PlacementReleased(placement.PlacementId, host, placement.Provider));
                    break;
            }
        }
        return new ReconcilePlan(events, frees, suspects, unknown);
    }

    /// <summary>
    /// Why a registration must be refused although no other node holds the host now: it comes under another node
    /// identity than the one the host's live placements were journaled under. The node's journal was replaced,
    /// emptied or lost, so its pools would read empty: the placements would be marked lost and their bytes handed
    /// out again while NVMe-oF targets may still use them. Null when the registration may go on.
    /// </summary>
    public static string? IdentityRefusal(RegisterHost m, PlacementBook book)
    {
        if (book.IdentityOf(m.Host) is not { } recorded || recorded == m.Identity)
        {
            return null;
        }
        var live = book.OnHost(m.Host).Count(p => p.State is PlacementState.Pending or PlacementState.Committed or PlacementState.Releasing);
        return live == 0 ? null
            : $"host {m.Host}: refusing a registration under node identity {m.Identity}: {live} live placements are journaled for this host under node identity "
              + $"{recorded}, so this node's journal was replaced, emptied or lost (its pools would read empty and those buffers be handed out again). "
              + "Restore the node's journal (with its identity) from a backup; nothing was changed";
    }

    /// <summary>
    /// The pools whose journal went back in time, with the reason: a live placement on the pool was committed at a
    /// higher revision than the pool reports now, so its newest writes were lost (a SQLite file without its
    /// <c>-wal</c>, a backup restored over it) and its books miss buffers that NVMe-oF targets may still use. Such a
    /// pool proves no loss, frees no orphan and takes no new buffer until its journal is restored.
    /// <paramref name="seenThisIncarnation"/>: the newest revision of each pool this controller already had from the same
    /// node process (a grant's figures). A report below it was read before that grant and arrived after it (the agent
    /// and the pool send on their own): it is late, not rewound, since a journal goes back only across a restart.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Rewound(string host, IReadOnlyList<PoolStatus> pools, PlacementBook book, Func<string, long>? seenThisIncarnation = null)
    {
        var newest = book.OnHost(host).Where(p => p.State is PlacementState.Committed or PlacementState.Releasing && p.PoolRevision > 0)
            .GroupBy(p => p.Provider, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(p => p.PoolRevision)!, StringComparer.Ordinal);
        var rewound = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pool in pools.Where(p => p.Unavailable is null))
        {
            if (newest.TryGetValue(pool.Provider, out var placement) && placement.PoolRevision > pool.Revision
                && (seenThisIncarnation?.Invoke(pool.Provider) ?? 0) < placement.PoolRevision)
            {
                rewound[pool.Provider] = $"its journal went back in time: it is at revision {pool.Revision}, but placement {placement.PlacementId} was committed on it "
                    + $"at revision {placement.PoolRevision}, so its newest writes were lost (a SQLite journal without its -wal file, an older backup); "
                    + "restore the node's journal: until then nothing on this pool is freed, marked lost or placed";
            }
        }
        return rewound;
    }

    /// <summary>The report with every rewound pool (<see cref="Rewound"/>) turned unavailable, its allocations unknown.</summary>
    public static IReadOnlyList<PoolStatus> WithoutRewound(IReadOnlyList<PoolStatus> pools, IReadOnlyDictionary<string, string> rewound)
        => rewound.Count == 0 ? pools : pools.Select(p => rewound.TryGetValue(p.Provider, out var reason) ? p with { Unavailable = reason, Allocations = [] } : p).ToList();

    private static HashSet<string> Readable(IEnumerable<PoolStatus> pools)
        => pools.Where(p => p.Unavailable is null).Select(p => p.Provider).ToHashSet(StringComparer.Ordinal);

    /// <summary>The suspects a fresh snapshot (asked for after the registration) still lacks, and that are still committed and not in flight: lost.</summary>
    public static IReadOnlyList<IPlacementEvent> ConfirmLost(string host, IReadOnlyList<string> suspects, HostSnapshot fresh, PlacementBook book, Func<string, bool> inFlight)
    {
        var pools = WithoutRewound(fresh.Pools, Rewound(host, fresh.Pools, book));
        var held = pools.SelectMany(p => p.Allocations).Select(a => a.AllocationId).ToHashSet(StringComparer.Ordinal);
        var readable = Readable(pools);
        return suspects.Select(book.Find).OfType<PlacementView>()
            .Where(p => p.State == PlacementState.Committed && !held.Contains(p.PlacementId) && readable.Contains(p.Provider) && !inFlight(p.PlacementId))
            .Select(p => (IPlacementEvent)new PlacementLost(p.PlacementId, $"host {host} no longer holds the buffer", host, p.Provider))
            .ToList();
    }
}
