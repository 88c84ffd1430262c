namespace Orchestrator.Node.Pools;

/// <summary>
/// The buffers a pool granted and freed, by revision, since its actor started: what a registration needs to list only
/// what changed since the revision the controller acknowledged holding (<c>PoolStatus.DeltaFrom</c>). Kept in memory
/// only: a pool that restarted knows nothing before its recovery, and answers a delta from earlier with everything.
/// Bounded: past <paramref name="capacity"/> changes the oldest quarter goes, and with it the deltas from that far back.
/// </summary>
public sealed class PoolChangeLog(int capacity = 8192)
{
    private readonly List<(long Revision, string AllocationId, bool Freed)> changes = [];

    /// <summary>The log is complete for every revision after this one (a delta can start at it or later).</summary>
    public long From { get; private set; }

    public int Count => changes.Count;

    /// <summary>Starts over at the books' revision: nothing before it is known.</summary>
    public void Start(long revision)
    {
        changes.Clear();
        From = revision;
    }

    public void Granted(long revision, string allocationId) => Add(revision, allocationId, freed: false);

    public void Freed(long revision, string allocationId) => Add(revision, allocationId, freed: true);

    /// <summary>
    /// The ids granted and the ids freed after <paramref name="revision"/> (each once, in the order they happened), or
    /// null when the log does not reach back that far or the revision is ahead of the books (<paramref name="current"/>).
    /// An id freed and granted again is in both: whoever applies the delta removes the freed ids first.
    /// </summary>
    public (IReadOnlyList<string> Granted, IReadOnlyList<string> Freed)? Since(long revision, long current)
    {
        if (revision < From || revision > current)
        {
            return null;
        }
        var granted = new List<string>();
        var freed = new List<string>();
        var seenGranted = new HashSet<string>(StringComparer.Ordinal);
        var seenFreed = new HashSet<string>(StringComparer.Ordinal);
        for (var i = FirstAfter(revision); i < changes.Count; i++)
        {
            var (_, id, wasFreed) = changes[i];
            if (wasFreed ? seenFreed.Add(id) : seenGranted.Add(id))
            {
                (wasFreed ? freed : granted).Add(id);
            }
        }
        return (granted, freed);
    }

    private void Add(long revision, string allocationId, bool freed)
    {
        if (changes.Count > 0 && revision <= changes[^1].Revision)
        {
            throw new ArgumentOutOfRangeException(nameof(revision), $"revision {revision} is not after the last one logged ({changes[^1].Revision})");
        }
        changes.Add((revision, allocationId, freed));
        if (changes.Count > capacity)
        {
            var drop = Math.Max(1, capacity / 4);
            From = changes[drop - 1].Revision;
            changes.RemoveRange(0, drop);
        }
    }

    private int FirstAfter(long revision)
    {
        int low = 0, high = changes.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (changes[mid].Revision <= revision)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }
}
