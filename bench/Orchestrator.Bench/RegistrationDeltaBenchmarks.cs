using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Bench;

/// <summary>
/// Issue 14 part 4: one re-registration of a host holding 999 buffers over its 3 pools (<c>storage-01</c>), 10 of
/// them changed since the last one the controller acknowledged (5 granted, 5 freed), as the wire and the coordinator
/// pay for it: written, read, rebuilt to whole books where it is a delta, taken into the host registry (topology
/// parsed, pool views) and reconciled against a book of 100,000 placements. Baseline: the registration listing every
/// allocation, as every one did before. Bytes on the wire are printed at setup.
/// </summary>
[MemoryDiagnoser]
public class RegistrationDeltaBenchmarks
{
    private const string Host = "storage-01";
    private const int Pools = 3;
    private const int PerPool = 333;
    private static readonly Topology.Model.HostTopology Storage01 = Topology.Files.TopologyFile.Read(Path.Combine(BenchEnvironment.RepoRoot, "deploy", "topologies", "storage-01.yaml"));
    private static readonly string[] Providers = [.. Storage01.Providers.Select(p => p.Address.ToString())];
    private readonly HostRegistry<object> hosts = new();
    private PlacementBook book = null!;
    private RegisterHost whole = null!;
    private RegisterHost delta = null!;
    private RegistrationDeltas held = null!;
    private RegisterHost before = null!;

    [GlobalSetup]
    public void Setup()
    {
        book = new PlacementBook(keepFinished: 10_000);
        // 100 hosts of 1,000 placements each (this one among them): the book the registration is reconciled against.
        for (var h = 0; h < 100; h++)
        {
            var name = h == 0 ? Host : $"host-{h:D3}";
            for (var i = 0; i < Pools * PerPool; i++)
            {
                var id = $"{name}-{i}";
                book.Apply(new PlacementRequested(id, id, name, Provider(i % Pools), ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
                book.Apply(new PlacementCommitted(id, i / Pools * 4096L, 4096, i + 1));
            }
        }
        // Now: 5 freed (ids 0..4), 5 granted (ids 1000..1004) since revision 1000 of each pool.
        var now = Enumerable.Range(0, Pools).Select(p => Pool(p, Ids(p).Where(i => i >= 5).Concat(Enumerable.Range(1000, 5).Where(i => i % Pools == p)), revision: 1010)).ToList();
        foreach (var i in Enumerable.Range(1000, 5))
        {
            var id = $"{Host}-{i}";
            book.Apply(new PlacementRequested(id, id, Host, Provider(i % Pools), ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
            book.Apply(new PlacementCommitted(id, i / Pools * 4096L, 4096, 1005));
        }
        foreach (var i in Enumerable.Range(0, 5))
        {
            book.Apply(new ReleaseRequested($"{Host}-{i}"));
            book.Apply(new PlacementReleased($"{Host}-{i}"));
        }
        var topology = Topology.Files.TopologyDocumentMapper.ToDocument(Storage01, withDiagnostics: true);
        before = new RegisterHost(Host, topology, [.. Enumerable.Range(0, Pools).Select(p => Pool(p, Ids(p), revision: 1000))], 1, "node-a", 1);
        whole = before with { Pools = now, Registration = 2 };
        delta = whole with
        {
            Pools = [.. now.Select((pool, p) => pool with
            {
                Allocations = [.. pool.Allocations.Where(a => int.Parse(a.AllocationId[(Host.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture) >= 1000)],
                DeltaFrom = 1000,
                Freed = [.. Ids(p).Where(i => i < 5).Select(i => $"{Host}-{i}")],
            })],
        };
        held = new RegistrationDeltas();
        held.Remember(before);
        if (Reconcile(WholeRoundTrip()).Frees.Count != Reconcile(DeltaRoundTrip()).Frees.Count)
        {
            throw new InvalidOperationException("the delta does not reconcile as the whole registration does");
        }
        Console.WriteLine($"// registration bytes: whole {Bytes(whole)}, delta {Bytes(delta)}");
    }

    [Benchmark(Baseline = true)]
    public int Whole() => Reconcile(WholeRoundTrip()).Events.Count;

    [Benchmark]
    public int Delta() => Reconcile(DeltaRoundTrip()).Events.Count;

    private RegisterHost WholeRoundTrip() => RoundTrip(whole);

    private RegisterHost DeltaRoundTrip()
    {
        var (rebuilt, resync) = held.Resolve(RoundTrip(delta));
        return rebuilt ?? throw new InvalidOperationException(resync);
    }

    /// <summary>What the coordinator does with a whole registration of a known host (PlacementCoordinator.Register).</summary>
    private ReconcilePlan Reconcile(RegisterHost m)
    {
        var (entry, refusal) = hosts.Register(m, this, "akka.tcp://orchestrator@10.0.0.1:4054", (_, _) => false, DateTime.UtcNow);
        if (entry is null)
        {
            throw new InvalidOperationException(refusal);
        }
        held.Remember(m);
        return Reconciler.Plan(m.Host, m.Pools, book, _ => false);
    }

    private static RegisterHost RoundTrip(RegisterHost m)
        => JsonSerializer.Deserialize<RegisterHost>(JsonSerializer.SerializeToUtf8Bytes(m, ProtocolSerializer.Options), ProtocolSerializer.Options)!;

    private static int Bytes(RegisterHost m) => JsonSerializer.SerializeToUtf8Bytes(m, ProtocolSerializer.Options).Length;

    private static IEnumerable<int> Ids(int pool) => Enumerable.Range(0, Pools * PerPool).Where(i => i % Pools == pool);

    private static PoolStatus Pool(int pool, IEnumerable<int> ids, long revision)
    {
        var allocations = ids.Select(i => new AllocationRecord($"{Host}-{i}", i / Pools * 4096L, 4096, 4096, 0)).ToList();
        return new PoolStatus(Provider(pool), 1L << 30, (1L << 30) - (allocations.Count * 4096L), 1L << 20, 0, allocations.Count, 1L << 30, 1L << 30, true, false, allocations, revision);
    }

    private static string Provider(int pool) => Providers[pool];
}
