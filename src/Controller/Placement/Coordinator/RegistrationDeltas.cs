using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The books of every host's pools as the last registration this coordinator took reported them, so that a node may
/// send only what changed since (<see cref="PoolStatus.DeltaFrom"/>): at 1,000 buffers a host, a full registration
/// every 30 s is 100 KB to write, send, read and reconcile where a quiet host changed nothing.
/// A delta is applied only to books of the same node process (identity and incarnation: a pool's revisions are its
/// own process's) at a revision no older than the delta's start, so the result is the pool's books at the
/// registration's revision exactly: everything held then that was not freed since, plus everything granted since and
/// still held. It must add up to the count the pool reports, or nothing of it is used. Whatever cannot be rebuilt so
/// is refused whole, and the node sends everything: reconciliation never sees a guessed pool.
/// </summary>
public sealed class RegistrationDeltas
{
    private readonly Dictionary<string, HostBooks> hosts = new(StringComparer.Ordinal);

    private long whole;
    private long delta;
    private long resync;

    /// <summary>The kinds <see cref="Counts"/> names, in its order.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["whole", "delta", "resync"];

    /// <summary>Registrations resolved since this coordinator started, by <see cref="Kinds"/> (see <see cref="ControllerStats.Registrations"/>).</summary>
    public IReadOnlyList<StateCount> Counts => [new(Kinds[0], (int)whole), new(Kinds[1], (int)delta), new(Kinds[2], (int)resync)];

    /// <summary>The registration with every pool listed whole, or why it cannot be (the node is to send everything).</summary>
    public (RegisterHost? Whole, string? Resync) Resolve(RegisterHost m)
    {
        if (!m.Pools.Any(p => p.IsDelta))
        {
            whole++;
            return (m, null);
        }
        var (rebuilt, problem) = Rebuild(m);
        if (rebuilt is null)
        {
            resync++;
        }
        else
        {
            delta++;
        }
        return (rebuilt, problem);
    }

    private (RegisterHost? Whole, string? Resync) Rebuild(RegisterHost m)
    {
        if (!hosts.TryGetValue(m.Host, out var books) || books.Identity != m.Identity || books.Incarnation != m.Incarnation)
        {
            return (null, $"host {m.Host}: this controller holds no books of node {m.Identity} incarnation {m.Incarnation} (it restarted or took over since)");
        }
        var pools = new List<PoolStatus>(m.Pools.Count);
        foreach (var pool in m.Pools)
        {
            if (!pool.IsDelta)
            {
                pools.Add(pool);
                continue;
            }
            if (!books.Pools.TryGetValue(pool.Provider, out var held))
            {
                return (null, $"host {m.Host}: pool {pool.Provider}: a delta from revision {pool.DeltaFrom}, but this controller holds no books of the pool");
            }
            if (pool.DeltaFrom > held.Revision || pool.Revision < held.Revision)
            {
                return (null, $"host {m.Host}: pool {pool.Provider}: a delta from revision {pool.DeltaFrom} to {pool.Revision} does not apply to the books this controller holds, at revision {held.Revision}");
            }
            var rebuilt = new Dictionary<string, AllocationRecord>(held.Allocations, StringComparer.Ordinal);
            foreach (var id in pool.Freed ?? [])
            {
                rebuilt.Remove(id);
            }
            foreach (var a in pool.Allocations)
            {
                rebuilt[a.AllocationId] = a;
            }
            if (rebuilt.Count != pool.AllocationCount)
            {
                return (null, $"host {m.Host}: pool {pool.Provider}: the delta from revision {pool.DeltaFrom} rebuilds {rebuilt.Count} buffers, but the pool holds {pool.AllocationCount}");
            }
            pools.Add(pool with { Allocations = [.. rebuilt.Values], DeltaFrom = 0, Freed = null });
        }
        return (m with { Pools = pools }, null);
    }

    /// <summary>
    /// Keeps the books of a registration taken (listed whole, after <see cref="Resolve"/>). A pool that could not be
    /// read, or whose journal went back, is forgotten: the next delta of it is refused and it is sent whole.
    /// </summary>
    public void Remember(RegisterHost whole)
    {
        if (!hosts.TryGetValue(whole.Host, out var books) || books.Identity != whole.Identity || books.Incarnation != whole.Incarnation)
        {
            hosts[whole.Host] = books = new HostBooks(whole.Identity, whole.Incarnation);
        }
        foreach (var pool in whole.Pools)
        {
            if (pool.Unavailable is not null || pool.IsDelta)
            {
                books.Pools.Remove(pool.Provider);
                continue;
            }
            var allocations = new Dictionary<string, AllocationRecord>(pool.Allocations.Count, StringComparer.Ordinal);
            foreach (var a in pool.Allocations)
            {
                allocations[a.AllocationId] = a;
            }
            books.Pools[pool.Provider] = new PoolBooks(pool.Revision, allocations);
        }
        foreach (var gone in books.Pools.Keys.Where(p => !whole.Pools.Any(q => q.Provider == p)).ToList())
        {
            books.Pools.Remove(gone);
        }
    }

    private sealed record HostBooks(string Identity, long Incarnation)
    {
        public Dictionary<string, PoolBooks> Pools { get; } = new(StringComparer.Ordinal);
    }

    private sealed record PoolBooks(long Revision, Dictionary<string, AllocationRecord> Allocations);
}
