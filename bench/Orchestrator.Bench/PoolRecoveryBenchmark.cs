using System.Diagnostics;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Pools;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Bench;

/// <summary>
/// P4 (recovery): how long a pool actor takes to recover 100k journaled events from SQLite, with no snapshot and
/// with a snapshot 1,000 events before the end (what <c>SnapshotEvery = 1000</c> leaves on disk). The journal is
/// seeded by a persistent actor writing the same events the pool would (PersistAll batches, so seeding is quick).
/// Run: <c>dotnet run -c Release --project bench/Orchestrator.Bench -- recovery</c>.
/// </summary>
public static class PoolRecoveryBenchmark
{
    private const int Events = 100_000;
    private const string Host = "bench";

    public static async Task RunAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "p2p-recovery-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var topology = Path.Combine(dir, "bench.yaml");
        await File.WriteAllTextAsync(topology, "host: bench\nfunctions:\n  - { address: \"0000:00:01.0\", class: \"060400\" }\n");
        try
        {
            using var host = NodeHost.Build(new NodeOptions { Topology = topology, Journal = Path.Combine(dir, "journal.db"), Port = 0 });
            await host.StartAsync();
            var system = host.Services.GetRequiredService<ActorSystem>();
            const long capacity = 64L << 30;
            var seedWatch = Stopwatch.StartNew();
            await Seed(system, "0000:01:00.0", capacity, snapshotAt: null);
            await Seed(system, "0000:02:00.0", capacity, snapshotAt: Events - 1000);
            Console.WriteLine($"seeded 2 x {Events} events in {seedWatch.Elapsed.TotalSeconds:F1} s");

            foreach (var (provider, label) in new[] { ("0000:01:00.0", "no snapshot"), ("0000:02:00.0", "snapshot + 1,000 events") })
            {
                var times = new List<double>();
                PoolStatus? status = null;
                for (var run = 0; run < 4; run++)
                {
                    var watch = Stopwatch.StartNew();
                    var pool = system.ActorOf(PoolActor.Props(Host, provider, new KernelPoolState(capacity, capacity, true), 1000));
                    status = await pool.Ask<PoolStatus>(GetPoolStatus.Instance, TimeSpan.FromMinutes(5));
                    times.Add(watch.Elapsed.TotalMilliseconds);
                    await pool.GracefulStop(TimeSpan.FromSeconds(10));
                }
                // The first run also pays the process's first read of the tables; report the median of the rest.
                var warm = times.Skip(1).Order().ToList();
                Console.WriteLine($"recovery of {Events} events, {label}: median {warm[warm.Count / 2]:F0} ms (runs {string.Join(", ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))} ms), {status!.AllocationCount} buffers held");
            }
            await host.StopAsync();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Seed(ActorSystem system, string provider, long capacity, int? snapshotAt)
    {
        var mirror = new ExtentAllocator(capacity);
        var random = new Random(3);
        var events = new List<object> { new PoolOpened(Host, provider, capacity) };
        var live = new List<string>();
        var next = 0;
        while (events.Count < Events)
        {
            if (live.Count > 0 && random.Next(10) < 4)
            {
                var i = random.Next(live.Count);
                var id = live[i];
                live[i] = live[^1];
                live.RemoveAt(live.Count - 1);
                mirror.Free(id);
                events.Add(new BufferFreed(id));
            }
            else
            {
                var id = $"b{next++}";
                var e = mirror.Allocate(id, random.Next(1, 17) * ExtentAllocator.Granule).Extent!;
                live.Add(id);
                events.Add(new BufferAllocated(id, e.Offset, e.Length, e.RequestedBytes, 0));
            }
        }
        var state = new ExtentAllocator(capacity);
        await JournalSeeding.WriteAsync(system, PoolActor.PersistenceIdOf(Host, provider), events, snapshotAt, e =>
        {
            switch (e)
            {
                case BufferAllocated a:
                    state.TryAllocateAt(new Extent(a.AllocationId, a.Offset, a.Length, a.RequestedBytes, 0), out string? _);
                    break;
                case BufferFreed f:
                    state.Free(f.AllocationId);
                    break;
            }
        }, () => new PoolSnapshot(Host, provider, capacity, state.Allocations.Values.Select(x => new AllocationRecord(x.AllocationId, x.Offset, x.Length, x.RequestedBytes, 0)).ToList()));
    }
}
