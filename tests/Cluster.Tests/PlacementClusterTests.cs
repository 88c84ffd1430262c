using Akka.Actor;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Controller and two nodes over real remoting: placements land on the right host and provider, survive a controller
/// restart (journal recovery, on SQLite and on PostgreSQL) and a node stopped mid-storm (reconciliation), and "no
/// acknowledged placement lost, no byte allocated twice" holds after each.
/// </summary>
public sealed class PlacementClusterTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const string HostB = "storage-02";
    private const long MiB = 1 << 20;

    private static PlaceBuffer Place(string id, string host, long size, params string[] clients) => new(id, host, clients, size);

    /// <summary>Waits for reconciliation to settle, then checks the invariants for one host.</summary>
    private async Task AssertConsistent(TestCluster cluster, string host, IReadOnlyCollection<string> acknowledgedLive)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var placements = (await cluster.Ask<PlacementList>(new ListPlacements(host))).Placements;
            var held = await cluster.HeldOn(host);
            var live = placements.Where(p => p.State is PlacementState.Committed or PlacementState.Releasing).ToDictionary(p => p.PlacementId);
            var orphans = held.Keys.Where(id => !live.ContainsKey(id)).ToList();
            var missing = live.Keys.Where(id => !held.ContainsKey(id)).ToList();
            if (orphans.Count == 0 && missing.Count == 0 && placements.All(p => p.State != PlacementState.Pending && p.State != PlacementState.Releasing))
            {
                foreach (var id in acknowledgedLive)
                {
                    Assert.True(live.ContainsKey(id), $"acknowledged placement {id} is {placements.FirstOrDefault(p => p.PlacementId == id)?.State.ToString() ?? "gone"}");
                }
                foreach (var (id, placement) in live)
                {
                    Assert.Equal((placement.Provider, placement.Offset, placement.Length), (held[id].Provider, (long?)held[id].Record.Offset, (long?)held[id].Record.Length));
                }
                foreach (var provider in held.Values.GroupBy(h => h.Provider))
                {
                    var extents = provider.Select(h => h.Record).OrderBy(r => r.Offset).ToList();
                    for (var i = 1; i < extents.Count; i++)
                    {
                        Assert.True(extents[i - 1].Offset + extents[i - 1].Length <= extents[i].Offset, $"{provider.Key}: {extents[i - 1].AllocationId} and {extents[i].AllocationId} overlap");
                    }
                }
                output.WriteLine($"{host}: {live.Count} live placements, {placements.Count} in all, consistent");
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{host} did not reconcile: orphans [{string.Join(", ", orphans)}], missing [{string.Join(", ", missing)}], pending [{string.Join(", ", placements.Where(p => p.State is PlacementState.Pending or PlacementState.Releasing).Select(p => p.PlacementId))}]");
            }
            await Task.Delay(250);
        }
    }

    [SkippableTheory]
    [InlineData(TestJournals.Sqlite)]
    [InlineData(TestJournals.Postgres)]
    public async Task Placements_survive_controller_and_node_restarts_with_no_orphan_and_no_double_allocation(string journalKind)
    {
        var logs = LogCapture.Install();
        await using var cluster = new TestCluster(journalKind);
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.StartNodeAsync(HostB);
        await cluster.WaitForHostsAsync(HostA, HostB);
        var live = new List<string>();

        // The RNIC and NVMe B share a switch with CMBs A and B: B's own CMB is closest (distance 4).
        var first = Assert.IsType<PlacementAccepted>(await cluster.Ask(Place("a-1", HostA, 16 * MiB, "0000:03:00.0", "0000:05:00.0")));
        Assert.Equal((HostA, "0000:05:00.0", PlacementState.Committed), (first.Placement.Host, first.Placement.Provider, first.Placement.State));
        Assert.Equal("0000:05:00.0", first.Explanation!.Provider);
        live.Add("a-1");
        // On the two-level box, the RNIC and NVMe D: D's own CMB.
        var second = Assert.IsType<PlacementAccepted>(await cluster.Ask(Place("b-1", HostB, 32 * MiB, "0000:43:00.0", "0000:46:00.0")));
        Assert.Equal((HostB, "0000:46:00.0"), (second.Placement.Host, second.Placement.Provider));
        live.Add("b-1");
        for (var i = 2; i <= 8; i++)
        {
            Assert.IsType<PlacementAccepted>(await cluster.Ask(Place($"a-{i}", HostA, 8 * MiB, "0000:03:00.0")));
            live.Add($"a-{i}");
        }

        // Idempotency: the same request again is the same placement; the same id for another request conflicts.
        var again = Assert.IsType<PlacementAccepted>(await cluster.Ask(Place("a-1", HostA, 16 * MiB, "0000:03:00.0", "0000:05:00.0")));
        Assert.True(again.Existing);
        Assert.Equal(first.Placement.Offset, again.Placement.Offset);
        Assert.Equal(PlacementErrorKind.Conflict, Assert.IsType<PlacementRejected>(await cluster.Ask(Place("a-1", HostA, 1 * MiB, "0000:03:00.0"))).Kind);

        // Release is idempotent and frees the bytes on the node.
        Assert.Equal(PlacementState.Released, Assert.IsType<PlacementFound>(await cluster.Ask(new ReleasePlacement("a-2"))).Placement.State);
        Assert.Equal(PlacementState.Released, Assert.IsType<PlacementFound>(await cluster.Ask(new ReleasePlacement("a-2"))).Placement.State);
        live.Remove("a-2");
        await AssertConsistent(cluster, HostA, live.Where(l => l.StartsWith("a-", StringComparison.Ordinal)).ToList());
        await AssertConsistent(cluster, HostB, ["b-1"]);

        // The controller goes away; a new one on the same journal recovers every placement, and the nodes re-register.
        var nodeSeeds = cluster.NodeAddresses;
        await cluster.StopControllerAsync();
        await cluster.StartControllerAsync(seeds: [cluster.Seed, .. nodeSeeds]);
        await cluster.WaitForHostsAsync(HostA, HostB);
        var recovered = (await cluster.Ask<PlacementList>(new ListPlacements())).Placements;
        Assert.Equal(live.Order(StringComparer.Ordinal), recovered.Where(p => p.State == PlacementState.Committed).Select(p => p.PlacementId).Order(StringComparer.Ordinal));
        Assert.Equal(PlacementState.Released, recovered.Single(p => p.PlacementId == "a-2").State);

        // A storm of placements on host A; the node is stopped in the middle of it and started again.
        // Four clients place buffers one after another while the node is stopped under them.
        var completed = 0;
        var stopped = false;
        var storm = Enumerable.Range(0, 4).Select(async client =>
        {
            var results = new List<object>();
            var afterStop = 0;
            for (var i = 0; i < 2000 && afterStop < 3; i++)
            {
                results.Add(await cluster.Ask(Place($"s-{client}-{i}", HostA, 64 * 1024, "0000:03:00.0")));
                Interlocked.Increment(ref completed);
                afterStop += Volatile.Read(ref stopped) ? 1 : 0;
            }
            return results;
        }).ToList();
        while (Volatile.Read(ref completed) < 20)
        {
            await Task.Delay(5);
        }
        await cluster.StopNodeAsync(HostA);
        Volatile.Write(ref stopped, true);
        var outcomes = (await Task.WhenAll(storm)).SelectMany(r => r).ToList();
        var acknowledged = outcomes.OfType<PlacementAccepted>().Select(a => a.Placement.PlacementId).ToList();
        output.WriteLine($"storm: {acknowledged.Count} acknowledged, {outcomes.OfType<PlacementRejected>().Count()} refused ({string.Join("; ", outcomes.OfType<PlacementRejected>().Select(r => r.Kind).Distinct())})");
        Assert.NotEmpty(acknowledged);
        Assert.NotEmpty(outcomes.OfType<PlacementRejected>());  // the node really went away mid-storm
        await cluster.StartNodeAsync(HostA);
        output.WriteLine($"nodes now: {string.Join(", ", cluster.NodeAddresses)}");
        await cluster.WaitForHostsAsync(HostA);
        await AssertConsistent(cluster, HostA, [.. live.Where(l => l.StartsWith("a-", StringComparison.Ordinal)), .. acknowledged]);
        await AssertConsistent(cluster, HostB, ["b-1"]);

        // And the host takes new placements again.
        var after = await cluster.Ask(Place("after", HostA, MiB, "0000:03:00.0"));
        if (after is not PlacementAccepted)
        {
            foreach (var line in logs.Lines.Where(l => l.Contains("storage-01", StringComparison.Ordinal) || l.Contains("Member", StringComparison.Ordinal) || l.Contains("host", StringComparison.Ordinal)))
            {
                output.WriteLine(line);
            }
        }
        Assert.True(after is PlacementAccepted, $"after the restart: {after}");

        // Once more, now that the journal holds hundreds of events and snapshots (every 25): the same state comes back.
        var before = (await cluster.Ask<PlacementList>(new ListPlacements())).Placements;
        var snapshots = await cluster.Journals.QueryAsync("controller", "SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'placement-coordinator'");
        Assert.True(Convert.ToInt64(snapshots.Single(), System.Globalization.CultureInfo.InvariantCulture) > 0, "the coordinator took no snapshot");
        var seeds = cluster.NodeAddresses;
        await cluster.StopControllerAsync();
        await cluster.StartControllerAsync(seeds: [cluster.Seed, .. seeds]);
        var afterRestart = (await cluster.Ask<PlacementList>(new ListPlacements())).Placements;
        Assert.Equal(before, afterRestart, new PlacementViewComparer());
    }

    /// <summary>Placements compare by value, their client lists included.</summary>
    private sealed class PlacementViewComparer : IEqualityComparer<PlacementView>
    {
        public bool Equals(PlacementView? x, PlacementView? y)
            => x is not null && y is not null && x with { Clients = [] } == y with { Clients = [] } && x.Clients.SequenceEqual(y.Clients);

        public int GetHashCode(PlacementView obj) => obj.PlacementId.GetHashCode(StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_oldest_controller_goes_the_singleton_moves_and_recovers_every_placement()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        var second = TestCluster.FreePort();
        await cluster.StartControllerAsync(port: second, seeds: [cluster.Seed, $"akka.tcp://orchestrator@127.0.0.1:{second}"]);
        await cluster.UseControllerAsync(0);
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var live = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            Assert.IsType<PlacementAccepted>(await cluster.Ask(Place($"f-{i}", HostA, 4 * MiB, "0000:03:00.0")));
            live.Add($"f-{i}");
        }

        await cluster.StopControllerAsync(0);      // the oldest: the singleton lives there
        await cluster.UseControllerAsync(0);       // the survivor's proxy finds the moved singleton
        await cluster.WaitForHostsAsync(HostA);
        var recovered = (await cluster.Ask<PlacementList>(new ListPlacements(HostA))).Placements;
        Assert.Equal(live, recovered.Where(p => p.State == PlacementState.Committed).Select(p => p.PlacementId).Order(StringComparer.Ordinal));
        Assert.IsType<PlacementAccepted>(await cluster.Ask(Place("f-after", HostA, 4 * MiB, "0000:03:00.0")));
        live.Add("f-after");
        await AssertConsistent(cluster, HostA, live);
    }

    [Fact]
    public async Task Registrations_and_host_lists_larger_than_akkas_default_frame_still_cross_the_wire()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.WaitForHostsAsync(HostA);
        var agent = await cluster.AgentOf(HostA);
        const int Buffers = 1500;  // ~1500 allocation records: a registration well over 128 KB
        await Task.WhenAll(Enumerable.Range(0, Buffers).Select(i => agent.Ask<object>(new Protocol.Node.AllocateBuffer("0000:04:00.0", $"big-{i}", 4096), TestCluster.AskTimeout)));

        // The big registration arrives whole: the controller counts the buffers it has no placement for (kept, never
        // freed); the host list is then read by a second controller, across remoting.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await cluster.Ask<HostList>(new GetHosts())).Hosts.Single().UnknownBuffers != Buffers)
        {
            Assert.True(DateTime.UtcNow < deadline, "the controller never reconciled the big registration");
            await Task.Delay(200);
        }
        Assert.Equal(Buffers, (await cluster.HeldOn(HostA)).Count);
        await cluster.StartControllerAsync(port: TestCluster.FreePort());
        var hosts = await cluster.Ask<HostList>(new GetHosts());
        Assert.Equal(HostA, Assert.Single(hosts.Hosts).Host);
    }

    [Fact]
    public async Task A_committed_placement_with_an_nvmeof_target_is_applied_to_nvmet_and_released_with_0()
    {
        await using var cluster = new TestCluster();
        var configfs = cluster.Scratch("configfs");
        const string Nqn = "nqn.2014-08.org.example:target-1";
        var ns = FakeNvmet.Namespace(configfs, Nqn, 1, "/dev/nvme-test5n1");
        FakeNvmet.BlockDevice(cluster.Scratch("sysfs"), "nvme-test5n1", "0000:05:00.0");
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA, configfs, blockRoot: cluster.Scratch("sysfs"));
        await cluster.WaitForHostsAsync(HostA);

        var placed = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("t-1", HostA, ["0000:03:00.0", "0000:05:00.0"], 4 * MiB, new NvmeofTarget(Nqn, 1, 1))));
        Assert.Equal("0000:05:00.0", placed.Placement.NamespaceDevice);
        await Eventually.True("the namespace reads the provider", () => File.ReadAllText(Path.Combine(ns, "p2pmem")) == placed.Placement.Provider + "\n");

        Assert.IsType<PlacementFound>(await cluster.Ask(new ReleasePlacement("t-1")));
        await Eventually.True("the namespace reads 0", () => File.ReadAllText(Path.Combine(ns, "p2pmem")) == "0\n");
    }
}
