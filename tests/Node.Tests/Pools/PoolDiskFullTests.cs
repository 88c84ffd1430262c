using System.Diagnostics;
using System.Net;
using Orchestrator.Node.Hosting;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Pools;

/// <summary>
/// A full disk under the node's SQLite journal: a real 2 MiB tmpfs, allocations until the journal cannot grow. The
/// allocation that meets the full disk is answered "unavailable" with the reason, never acknowledged; <c>/readyz</c>
/// names the pool and the reason for as long as the disk stays full; every acknowledged allocation stays held at its
/// extent; and once space is freed the pool takes allocations again by itself, in the same process.
/// </summary>
public sealed class PoolDiskFullTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task A_full_disk_refuses_with_the_reason_loses_nothing_acknowledged_and_the_pool_comes_back_by_itself()
    {
        using var disk = SmallDisk.Mount("2m");
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        await using var node = await RunningNode.StartAsync(new NodeOptions { Topology = SampleTopology, Journal = Path.Combine(disk.Path, "node.db"), Health = url.ToString() });
        await Readyz.WaitAsync(http, "ready on an empty disk", Patience, a => a.Status == HttpStatusCode.OK);

        // Leave the journal a little room, then let allocations fill it: the fault comes from the journal growing.
        var filler = disk.Fill(leave: 512 << 10);
        var acknowledged = new List<BufferGranted>();
        var refusals = new List<BufferRefused>();
        for (var i = 0; refusals.Count < 10 && i < 5000; i++)
        {
            switch (await node.Ask(new AllocateBuffer(i % 2 == 0 ? ProviderA : ProviderB, $"fill-{i}", 4096)))
            {
                case BufferGranted granted:
                    acknowledged.Add(granted);
                    break;
                case BufferRefused refused:
                    refusals.Add(refused);
                    break;
            }
        }
        output.WriteLine($"{acknowledged.Count} allocations acknowledged before the disk was full ({filler} bytes of filler, {disk.FreeBytes} bytes free)");
        Assert.NotEmpty(acknowledged);
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal(RefusalReason.Unavailable, r.Reason));
        var first = refusals[0];
        Assert.Contains("could not journal the change", first.Message, StringComparison.Ordinal);
        Assert.Contains("disk is full", first.Message, StringComparison.Ordinal);

        var down = await Readyz.WaitAsync(http, "503 naming the full pool", Patience, a => a.Problems.Any(p => p.Contains(first.Provider, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Contains(down.Problems, p => p.StartsWith($"pool {first.Provider} on storage-01 is unavailable: its journal cannot be written", StringComparison.Ordinal)
            && p.Contains("disk is full", StringComparison.Ordinal));
        // The pool restarts and replays meanwhile; a replay is no write, so it stays unready while the disk is full.
        await Readyz.HoldsAsync(http, "503 while the disk is full", TimeSpan.FromSeconds(5), a => a.Status == HttpStatusCode.ServiceUnavailable);

        File.Delete(disk.Filler);
        var clock = Stopwatch.StartNew();
        var back = new Dictionary<string, BufferGranted>();
        for (var i = 0; back.Count < 2; i++)
        {
            Assert.True(clock.Elapsed < Patience, $"the pools did not take allocations again within {Patience.TotalSeconds} s of the space being freed");
            foreach (var provider in new[] { ProviderA, ProviderB }.Where(p => !back.ContainsKey(p)))
            {
                switch (await node.Ask(new AllocateBuffer(provider, $"after-{provider}-{i}", 4096)))
                {
                    case BufferGranted granted:
                        back[provider] = granted;
                        acknowledged.Add(granted);
                        break;
                    case BufferRefused refused:
                        Assert.Equal(RefusalReason.Unavailable, refused.Reason);
                        await Task.Delay(100);
                        break;
                }
            }
        }
        await Readyz.WaitAsync(http, "ready again", Patience, a => a.Status == HttpStatusCode.OK);
        var recovery = clock.Elapsed;
        // The allocation that met the full disk was told it may or may not have been written: retried with its id, it is
        // granted once (its extent if the write did land, a fresh one otherwise), never twice.
        var retried = Assert.IsType<BufferGranted>(await node.Ask(new AllocateBuffer(first.Provider, first.AllocationId, 4096)));
        acknowledged.Add(retried);

        var snapshot = await node.Snapshot();
        Assert.All(snapshot.Pools, p => Assert.Null(p.Unavailable));
        var held = snapshot.Pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, Record: a))).ToDictionary(h => h.Record.AllocationId);
        var lost = acknowledged.Where(g => !held.TryGetValue(g.AllocationId, out var h) || (h.Provider, h.Record.Offset, h.Record.Length) != (g.Provider, g.Offset, g.Length)).ToList();
        foreach (var pool in snapshot.Pools)
        {
            ExtentAssert.NoOverlap(pool.Allocations, $"{pool.Provider}: ");
        }
        output.WriteLine($"acknowledged {acknowledged.Count}, lost {lost.Count}, refused {refusals.Count} (first: {first.Message}); "
            + $"pools back and ready {recovery.TotalSeconds:0.0} s after the filler was deleted, no process restarted");
        Assert.True(lost.Count == 0, $"acknowledged but not held at the same extent: {string.Join(", ", lost.Select(l => l.AllocationId))}");
    }
}
