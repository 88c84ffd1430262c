using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace Orchestrator.Controller.History;

/// <summary>
/// Reads the placement coordinator's journal into the <see cref="HistoryLog"/> with Akka.Persistence.Query (the SQL
/// read journal, live by persistence id: every coordinator event is history, so no tag is needed to find them and the
/// write path stays one row per event). Runs in every controller process, whichever holds the singleton, as they share
/// the journal. A journal that cannot be read is a state, not a silence: <see cref="Failure"/> says why, the history
/// answers with what it holds and a warning, and the reader retries with backoff from where it stopped.
/// </summary>
public sealed class HistoryFeed(HistoryLog log)
{
    private volatile string? failure;

    /// <summary>Why the journal could not be read the last time it was tried (null while reading works).</summary>
    public string? Failure => failure;

    public HistoryLog Log { get; } = log;

    /// <summary>
    /// Starts reading in the background; never blocks or throws: opening the read journal asks the journal, which may
    /// be down at start (the controller then starts, not ready), so that is retried like any other read failure.
    /// </summary>
    public void Start(ActorSystem system, string persistenceId)
        => _ = Task.Run(async () =>
        {
            var backoff = TimeSpan.FromSeconds(1);
            while (!system.WhenTerminated.IsCompleted)
            {
                try
                {
                    Read(system, PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier), persistenceId);
                    return;
                }
                catch (Exception e)
                {
                    failure = $"the journal could not be opened for reading: {e.GetBaseException().Message}";
                }
                await Task.WhenAny(Task.Delay(backoff), system.WhenTerminated);
                backoff = TimeSpan.FromSeconds(Math.Min(15, backoff.TotalSeconds * 2));
            }
        });

    private void Read(ActorSystem system, SqlReadJournal journal, string persistenceId)
    {
        var restart = RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), 0.2);
        RestartSource.OnFailuresWithBackoff(() => journal.EventsByPersistenceId(persistenceId, Log.Newest + 1, long.MaxValue)
                .SelectError(e =>
                {
                    failure = $"the journal could not be read since sequence {Log.Newest}: {e.GetBaseException().Message}";
                    return e;
                }), restart)
            .RunForeach(envelope =>
            {
                failure = null;
                Log.Append(envelope.SequenceNr, JournalTime(envelope.Timestamp), envelope.Event);
            }, system.Materializer());
    }

    /// <summary>The journal row's timestamp: .NET ticks (UTC) in Akka.Persistence.Sql, Unix milliseconds in other journals.</summary>
    public static DateTimeOffset JournalTime(long timestamp)
        => timestamp > 100_000_000_000_000 ? new DateTimeOffset(timestamp, TimeSpan.Zero) : DateTimeOffset.FromUnixTimeMilliseconds(timestamp);
}
