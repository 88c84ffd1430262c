namespace Orchestrator.Hosting;

/// <summary>
/// When a persistent actor snapshots, and what it may delete afterwards (issue 14): storage stays bounded however
/// long the process runs, and recovery still has a snapshot to fall back on.
/// <list type="bullet">
/// <item>A snapshot is due after <c>max(minEvents, records)</c> events, <c>records</c> being what the snapshot holds:
/// writing it then costs at most about one record per event, where a fixed count made a big book's snapshots the
/// database's bulk (97 % of 11.6 GB at 100k placements).</item>
/// <item>After a snapshot is saved, the one before it is kept (if the newest cannot be read, recovery takes the older
/// one with the events after it): older snapshots are deleted, and journal rows up to the older snapshot less
/// <c>keepEvents</c> (events kept as history; 0: none).</item>
/// </list>
/// No Akka here: the actors call it and do the deleting.
/// </summary>
public sealed class JournalRetention(int minEvents, long keepEvents)
{
    private long eventsSinceSnapshot;
    private long previousSnapshot;

    public long EventsSinceSnapshot => eventsSinceSnapshot;

    /// <summary>After recovery: the snapshot it started from (0: none) and the last sequence number it replayed to.</summary>
    public void Recovered(long snapshotSequenceNr, long lastSequenceNr)
    {
        previousSnapshot = snapshotSequenceNr;
        eventsSinceSnapshot = lastSequenceNr - snapshotSequenceNr;
    }

    /// <summary>One event persisted; true when a snapshot of <paramref name="records"/> records is due (the caller takes it).</summary>
    public bool Persisted(long records)
    {
        if (++eventsSinceSnapshot < Math.Max(Math.Max(1, minEvents), records))
        {
            return false;
        }
        eventsSinceSnapshot = 0;
        return true;
    }

    /// <summary>A snapshot at <paramref name="sequenceNr"/> was saved: what may go now (null: nothing yet).</summary>
    public (long? SnapshotsUpTo, long? EventsUpTo) Saved(long sequenceNr)
    {
        var older = previousSnapshot;
        previousSnapshot = Math.Max(previousSnapshot, sequenceNr);
        if (older <= 0 || older >= sequenceNr)
        {
            return (null, null);
        }
        var events = older - keepEvents;
        return (older - 1 > 0 ? older - 1 : null, events > 0 ? events : null);
    }
}
