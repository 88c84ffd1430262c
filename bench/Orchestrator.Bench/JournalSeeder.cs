using Akka.Actor;
using Akka.Persistence;

namespace Orchestrator.Bench;

/// <summary>
/// Writes a journal for a persistence id as its actor would have (PersistAll in batches of 1,000, so seeding a
/// recovery benchmark takes seconds), optionally with one snapshot after event <c>snapshotAt</c>.
/// </summary>
public sealed class JournalSeeder : ReceivePersistentActor
{
    public JournalSeeder(string persistenceId, IReadOnlyList<object> events, int? snapshotAt, Action<object> apply, Func<object> snapshot, TaskCompletionSource done)
    {
        PersistenceId = persistenceId;
        Recover<RecoveryCompleted>(__ =>
        {
            var written = 0;
            foreach (var batch in events.Chunk(1000))
            {
                PersistAll(batch, e =>
                {
                    written++;
                    apply(e);
                    if (written == snapshotAt)
                    {
                        SaveSnapshot(snapshot());
                    }
                    if (written == events.Count && snapshotAt is null)
                    {
                        done.TrySetResult();
                    }
                });
            }
        });
        Command<SaveSnapshotSuccess>(_ => done.TrySetResult());
        Command<SaveSnapshotFailure>(f => done.TrySetException(f.Cause));
    }

    public override string PersistenceId { get; }

}

/// <summary>Runs a <see cref="JournalSeeder"/> to completion.</summary>
public static class JournalSeeding
{
    public static async Task WriteAsync(ActorSystem system, string persistenceId, IReadOnlyList<object> events, int? snapshotAt, Action<object> apply, Func<object> snapshot)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seeder = system.ActorOf(Props.Create(() => new JournalSeeder(persistenceId, events, snapshotAt, apply, snapshot, done)));
        await done.Task.WaitAsync(TimeSpan.FromMinutes(20));
        await seeder.GracefulStop(TimeSpan.FromSeconds(10));
    }
}
