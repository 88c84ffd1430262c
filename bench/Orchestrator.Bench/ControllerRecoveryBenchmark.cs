using System.Diagnostics;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Controller.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Bench;

/// <summary>
/// P7: how long the placement coordinator takes to be ready after a restart, replaying N journaled events from
/// SQLite without a snapshot, and from a snapshot 1,000 events before the end. The workload is the coordinator's own:
/// each placement is requested and committed, and three in four are released again.
/// Run: <c>dotnet run -c Release --project bench/Orchestrator.Bench -- controller-recovery [events]</c>.
/// </summary>
public static class ControllerRecoveryBenchmark
{
    public static async Task RunAsync(int events)
    {
        var dir = Path.Combine(Path.GetTempPath(), "p2p-controller-recovery-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            var port = BenchEnvironment.FreePort();
            using var host = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], new ControllerOptions { Port = port, Journal = Path.Combine(dir, "controller.db") });
            await host.StartAsync();
            Console.WriteLine("controller started");
            var system = host.Services.GetRequiredService<ActorSystem>();
            var seedWatch = Stopwatch.StartNew();
            await Seed(system, "bench-no-snapshot", events, snapshotAt: null);
            Console.WriteLine("seeded without snapshot");
            await Seed(system, "bench-snapshot", events, snapshotAt: events - 1000);
            Console.WriteLine($"seeded 2 x {events} coordinator events in {seedWatch.Elapsed.TotalSeconds:F1} s");
            foreach (var (id, label) in new[] { ("bench-no-snapshot", "no snapshot"), ("bench-snapshot", "snapshot + 1,000 events") })
            {
                var times = new List<double>();
                for (var run = 0; run < 3; run++)
                {
                    var watch = Stopwatch.StartNew();
                    var coordinator = system.ActorOf(PlacementCoordinator.Props(new CoordinatorSettings(TimeSpan.FromSeconds(5), int.MaxValue, id)));
                    await coordinator.Ask<object>(new GetPlacement("ready?"), TimeSpan.FromMinutes(10));
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    await coordinator.GracefulStop(TimeSpan.FromSeconds(30));
                }
                var ordered = times.Order().ToList();
                Console.WriteLine($"controller ready after {events} events, {label}: median {ordered[1]:F0} ms (runs {string.Join(", ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms)");
            }
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Seed(ActorSystem system, string persistenceId, int count, int? snapshotAt)
    {
        var events = new List<object>(count);
        var random = new Random(9);
        var clients = new[] { "0000:03:00.0", "0000:05:00.0" };
        var offset = 0L;
        var n = 0;
        while (events.Count < count)
        {
            var id = $"p{n++}";
            events.Add(new PlacementRequested(id, id, $"host-{n % 100}", "0000:04:00.0", clients, 1 << 20, null, "orchestrator", "0123456789abcdef0123456789abcdef"));
            events.Add(new PlacementCommitted(id, offset, 1 << 20));
            offset += 1 << 20;
            if (random.Next(4) != 0 && events.Count + 2 <= count)
            {
                events.Add(new ReleaseRequested(id));
                events.Add(new PlacementReleased(id));
            }
        }
        events.RemoveRange(count, events.Count - count);
        var book = new PlacementBook();
        await JournalSeeding.WriteAsync(system, persistenceId, events, snapshotAt, e => book.Apply((IPlacementEvent)e), book.Snapshot);
    }
}
