using Orchestrator.Node.Hosting;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Sysfs;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Agent;

/// <summary>Bad requests and a damaged sysfs get clear refusals; the agent keeps running and nothing held is lost.</summary>
public sealed class HostAgentInputTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Bad_requests_are_refused_naming_the_value_and_lose_nothing()
    {
        await using var node = await RunningNode.StartAsync(new NodeOptions { Topology = SampleTopology, Journal = temp.Combine("n.db") });
        var held = await node.Allocate(ProviderA, "keep", 1 << 20);

        var zero = await node.Refused(new AllocateBuffer(ProviderA, "z", 0));
        Assert.Equal(RefusalReason.InvalidRequest, zero.Reason);
        Assert.Contains("size 0 bytes is not positive", zero.Message, StringComparison.Ordinal);

        var negative = await node.Refused(new AllocateBuffer(ProviderA, "n", -5));
        Assert.Contains("size -5 bytes", negative.Message, StringComparison.Ordinal);

        var absurd = await node.Refused(new AllocateBuffer(ProviderA, "x", long.MaxValue));
        Assert.Equal(RefusalReason.InvalidRequest, absurd.Reason);
        Assert.Contains($"size {long.MaxValue} bytes is larger than the whole pool", absurd.Message, StringComparison.Ordinal);

        var alignment = await node.Refused(new AllocateBuffer(ProviderA, "al", 4096, AlignmentBytes: 3000));
        Assert.Contains("alignment 3000 is not a power of two", alignment.Message, StringComparison.Ordinal);

        var unknown = await node.Refused(new AllocateBuffer("0000:42:00.0", "u", 4096));
        Assert.Equal(RefusalReason.UnknownProvider, unknown.Reason);
        Assert.Contains("no p2pmem pool on provider '0000:42:00.0'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains(ProviderA, unknown.Message, StringComparison.Ordinal);

        var notAProvider = await node.Refused(new AllocateBuffer("0000:03:00.0", "nic", 4096));  // the NIC has no pool
        Assert.Equal(RefusalReason.UnknownProvider, notAProvider.Reason);

        var conflict = await node.Refused(new AllocateBuffer(ProviderA, "keep", 2 << 20));
        Assert.Equal(RefusalReason.Conflict, conflict.Reason);

        var tooBig = await node.Refused(new AllocateBuffer(ProviderC, "big", 200L << 20));
        Assert.Equal(RefusalReason.InvalidRequest, tooBig.Reason);
        await node.Allocate(ProviderC, "most", 120L << 20);
        var noRoom = await node.Refused(new AllocateBuffer(ProviderC, "more", 64L << 20));
        Assert.Equal(RefusalReason.NoContiguousSpace, noRoom.Reason);
        Assert.Contains("asked 67108864 bytes", noRoom.Message, StringComparison.Ordinal);
        Assert.Contains("largest free extent", noRoom.Message, StringComparison.Ordinal);

        Assert.True(Assert.IsType<BufferReleased>(await node.Ask(new FreeBuffer(ProviderC, "most"))).WasHeld);
        Assert.False(Assert.IsType<BufferReleased>(await node.Ask(new FreeBuffer(ProviderC, "most"))).WasHeld);  // freeing twice

        // Still running, and what was held is still held where it was.
        var snapshot = await node.Snapshot();
        var keep = Assert.Single(snapshot.Pools.Single(p => p.Provider == ProviderA).Allocations);
        Assert.Equal((held.Offset, held.Length), (keep.Offset, keep.Length));
        await node.Allocate(ProviderA, "after", 4096);
    }

    [Fact]
    public async Task Providers_are_matched_however_the_address_is_written()
    {
        await using var node = await RunningNode.StartAsync(new NodeOptions { Topology = SampleTopology, Journal = temp.Combine("n.db") });
        var granted = await node.Allocate("04:00.0", "short", 4096);
        Assert.Equal(ProviderA, granted.Provider);
    }

    [Fact]
    public async Task Rescan_flags_overcommit_reports_a_corrupt_attribute_and_survives_a_vanished_tree()
    {
        var root = temp.Combine("host");
        SysfsTreeWriter.Write(TopologyFile.Read(SampleTopology), root, realSymlinks: true);
        var providerDir = Path.Combine(root, "sys", "devices", "pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0", ProviderA, "p2pmem");
        await using var node = await RunningNode.StartAsync(new NodeOptions { SysfsRoot = root, Host = "storage-01", Journal = temp.Combine("n.db") });
        var held = await node.Allocate(ProviderA, "held", 100L << 20);

        // A corrupt attribute: reported by file and value; the pool keeps its books.
        File.WriteAllText(Path.Combine(providerDir, "available"), "lots\n");
        var corrupt = Assert.IsType<RescanCompleted>(await node.Ask(new Rescan()));
        Assert.Null(corrupt.Error);
        Assert.Contains(corrupt.Diagnostics, d => d.Source == Path.Combine(providerDir, "available") && d.Message!.Contains("'lots'", StringComparison.Ordinal));
        Assert.Empty(corrupt.Overcommitted);  // unreadable is not gone: the last good kernel state stands
        await node.Allocate(ProviderA, "while-corrupt", 4096);

        // The kernel now has less available than we hold: overcommitted, and no new buffer there.
        File.WriteAllText(Path.Combine(providerDir, "available"), $"{50L << 20}\n");
        var shrunk = Assert.IsType<RescanCompleted>(await node.Ask(new Rescan()));
        Assert.Equal([ProviderA], shrunk.Overcommitted);
        var refused = await node.Refused(new AllocateBuffer(ProviderA, "new", 4096));
        Assert.Equal(RefusalReason.Overcommitted, refused.Reason);
        Assert.Contains("overcommitted", refused.Message, StringComparison.Ordinal);
        Assert.True((await node.Snapshot()).Pools.Single(p => p.Provider == ProviderA).Overcommitted);

        // The whole tree vanishes: the rescan says so and every pool and buffer stays.
        Directory.Delete(Path.Combine(root, "sys"), recursive: true);
        var gone = Assert.IsType<RescanCompleted>(await node.Ask(new Rescan()));
        Assert.Contains("not a sysfs root", gone.Error, StringComparison.Ordinal);
        var pool = (await node.Snapshot()).Pools.Single(p => p.Provider == ProviderA);
        Assert.Equal(held.Offset, pool.Allocations.Single(a => a.AllocationId == "held").Offset);
        Assert.Equal(2, pool.AllocationCount);
        await node.Allocate(ProviderB, "still-works", 4096);
    }

    [Fact]
    public async Task A_provider_unreadable_at_start_is_reported_unavailable_and_its_books_return_when_it_reads_well()
    {
        var root = temp.Combine("host");
        SysfsTreeWriter.Write(TopologyFile.Read(SampleTopology), root, realSymlinks: true);
        var available = Path.Combine(root, "sys", "devices", "pci0000:00", "0000:00:01.0", "0000:01:00.0", "0000:02:01.0", ProviderA, "p2pmem", "available");
        var options = new NodeOptions { SysfsRoot = root, Host = "storage-01", Journal = temp.Combine("n.db") };
        BufferGranted held;
        await using (var node = await RunningNode.StartAsync(options))
        {
            held = await node.Allocate(ProviderA, "held", 8L << 20);
        }

        var good = File.ReadAllText(available);
        File.WriteAllText(available, "garbage\n");
        await using (var node = await RunningNode.StartAsync(options))
        {
            var pool = (await node.Snapshot()).Pools.Single(p => p.Provider == ProviderA);
            Assert.Contains("cannot be read", pool.Unavailable, StringComparison.Ordinal);
            Assert.Contains(available, pool.Unavailable, StringComparison.Ordinal);
            Assert.Empty(pool.Allocations);  // unknown, and said so: not an empty pool

            File.WriteAllText(available, good);
            Assert.Null(Assert.IsType<RescanCompleted>(await node.Ask(new Rescan())).Error);
            var back = (await node.Snapshot()).Pools.Single(p => p.Provider == ProviderA);
            Assert.Null(back.Unavailable);
            Assert.Equal((held.Offset, held.Length), (back.Allocations.Single().Offset, back.Allocations.Single().Length));
        }
    }
}
