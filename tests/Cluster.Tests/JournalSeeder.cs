using Akka.Actor;
using Akka.Hosting;
using Akka.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Hosting;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Writes events and a snapshot into a journal under a persistence id, through Akka.Persistence.Sql and our
/// serializer as the owning process would: a test starts from books (a quarter of a million buffers) that would take
/// an hour of requests to build.
/// </summary>
internal static class JournalSeeder
{
    public static async Task SeedAsync(string journal, string persistenceId, IReadOnlyList<object> events, object snapshot)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAkka(ProcessAkka.SystemName, akka => akka.WithOrchestratorDefaults("127.0.0.1", 0, journal, journal, null));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            var seeder = system.ActorOf(Props.Create(() => new Seeder(persistenceId, events, snapshot)));
            var reply = await seeder.Ask<object>(Seeder.Go, TimeSpan.FromMinutes(2));
            Assert.IsType<SaveSnapshotSuccess>(reply);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private sealed class Seeder : ReceivePersistentActor
    {
        public const string Go = "go";
        private IActorRef? asker;

        public Seeder(string persistenceId, IReadOnlyList<object> events, object snapshot)
        {
            PersistenceId = persistenceId;
            Recover<RecoveryCompleted>(_ => { });
            Recover<object>(_ => Assert.Fail($"{persistenceId} already has events: seed a fresh journal"));
            Command<string>(_ =>
            {
                asker = Sender;
                PersistAll(events, _ => { });
                DeferAsync(Go, _ => SaveSnapshot(snapshot));
            });
            Command<SaveSnapshotSuccess>(s => asker!.Tell(s));
            Command<SaveSnapshotFailure>(f => asker!.Tell(new Status.Failure(f.Cause)));
        }

        public override string PersistenceId { get; }
    }
}
