using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.History;

/// <summary>
/// Fills the <see cref="HistoryLog"/> from the placement coordinator's journal. Two ways in, one order:
/// <list type="bullet">
/// <item>the journal itself, read with Akka.Persistence.Query (the SQL read journal by persistence id: every
/// coordinator event is history, so no tag is needed, and the write path stays one row per event), from the oldest row
/// it keeps at start, and again whenever this process has not heard of new events for <see cref="Idle"/> (a
/// coordinator in another controller process journals them) or missed some;</item>
/// <item>the coordinator of this process, which hands over each event it journaled, with its sequence number, as its
/// persist handler runs (<see cref="Journaled"/>). Taken only when it is the very next one, so nothing is skipped or
/// doubled; anything else waits for the journal read. Under load this spares re-reading every event from the
/// database, which cost P6 a third of its placements per second on SQLite.</item>
/// </list>
/// A journal that cannot be read is a state, not a silence: <see cref="Failure"/> says why, the history answers with
/// what it holds and a warning, and the read is tried again with backoff.
/// </summary>
public sealed class HistoryFeed(HistoryLog log)
{
    /// <summary>How long without a handed-over event before the journal is read for events written elsewhere.</summary>
    public static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim missed = new(0);
    private volatile string? failure;
    private long lastHandedOver = long.MinValue / 2;

    /// <summary>Why the journal could not be read the last time it was tried (null while reading works).</summary>
    public string? Failure => failure;

    public HistoryLog Log { get; } = log;

    /// <summary>An event the coordinator of this process journaled at <paramref name="sequenceNr"/> (from its persist handler).</summary>
    public void Journaled(long sequenceNr, IPlacementEvent journaled)
    {
        Interlocked.Exchange(ref lastHandedOver, Environment.TickCount64);
        if (!Log.AppendNext(sequenceNr, DateTimeOffset.UtcNow, journaled))
        {
            missed.Release();  // not the next one: the journal read fills the gap, this event included
        }
    }

    /// <summary>Starts reading in the background; never blocks or throws (opening the read journal asks the journal, which may be down).</summary>
    public void Start(ActorSystem system, string persistenceId)
        => _ = Task.Run(async () =>
        {
            SqlReadJournal? journal = null;
            var backoff = Idle;
            var behind = true;  // at start nothing is held: read from the oldest row
            while (!system.WhenTerminated.IsCompleted)
            {
                if (behind || Environment.TickCount64 - Interlocked.Read(ref lastHandedOver) >= Idle.TotalMilliseconds)
                {
                    try
                    {
                        journal ??= PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
                        await journal.CurrentEventsByPersistenceId(persistenceId, Log.Newest + 1, long.MaxValue)
                            .RunForeach(e => Log.Append(e.SequenceNr, JournalTime(e.Timestamp), e.Event), system.Materializer());
                        failure = null;
                        backoff = Idle;
                    }
                    catch (Exception e) when (!system.WhenTerminated.IsCompleted)
                    {
                        failure = journal is null
                            ? $"the journal could not be opened for reading: {e.GetBaseException().Message}"
                            : $"the journal could not be read since sequence {Log.Newest}: {e.GetBaseException().Message}";
                        backoff = TimeSpan.FromSeconds(Math.Min(15, backoff.TotalSeconds * 2));
                    }
                }
                var wait = missed.WaitAsync(failure is null ? Idle : backoff);
                await Task.WhenAny(wait, system.WhenTerminated);
                behind = failure is not null || (wait.IsCompletedSuccessfully && wait.Result);
                // Every miss signalled before the next read starts is covered by it: one read for a burst.
                while (missed.Wait(0))
                {
                }
            }
        });

    /// <summary>The journal row's timestamp: .NET ticks (UTC) in Akka.Persistence.Sql, Unix milliseconds in other journals.</summary>
    public static DateTimeOffset JournalTime(long timestamp)
        => timestamp > 100_000_000_000_000 ? new DateTimeOffset(timestamp, TimeSpan.Zero) : DateTimeOffset.FromUnixTimeMilliseconds(timestamp);
}
