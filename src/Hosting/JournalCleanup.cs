using Akka.Event;
using Akka.Persistence;

namespace Orchestrator.Hosting;

/// <summary>The deleting half of <see cref="JournalRetention"/>, for any persistent actor: after a saved snapshot, old snapshots and old journal rows go.</summary>
public static class JournalCleanup
{
    public static void AfterSnapshot(Eventsourced actor, ILoggingAdapter log, JournalRetention retention, long sequenceNr)
    {
        var (snapshots, events) = retention.Saved(sequenceNr);
        if (snapshots is { } s)
        {
            actor.DeleteSnapshots(new SnapshotSelectionCriteria(s));
        }
        if (events is { } e)
        {
            actor.DeleteMessages(e);
        }
        log.Debug("{0}: snapshot at {1} saved; deleting snapshots up to {2}, events up to {3}", actor.PersistenceId, sequenceNr, snapshots, events);
    }
}
