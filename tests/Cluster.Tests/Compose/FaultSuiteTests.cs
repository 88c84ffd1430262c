using System.Diagnostics;
using System.Net;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;
using static Orchestrator.Cluster.Tests.Compose.ComposeInvariants;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>
/// Faults on the compose deployment run as real processes (issue 11): after each, every acknowledged placement is
/// still committed at its extent, no two live buffers overlap, node and controller agree once settled, and service
/// returns without a process restarted by hand. The other faults of the suite: <see cref="ComposeClusterTests"/>
/// (controllers killed during a storm, both controllers killed, a node killed), <see cref="FailureTests"/> (the
/// database missing at start), the node process tests of <c>tests/Node.Tests/Hosting</c> (damaged and foreign
/// journals refused at start) and the in-process clusters of this project (journal outage under load, big hosts,
/// duplicate agents, two controllers on SQLite).
/// </summary>
[Collection(nameof(ComposeClusterTests))]
public sealed class FaultSuiteTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task An_impostor_agent_with_the_name_of_an_up_host_is_refused_and_changes_nothing()
    {
        await using var cluster = await ComposeCluster.StartAsync(output);
        await cluster.Guard(async () =>
        {
            await WaitForHostsUpAsync(cluster, "controller-1");
            var acknowledged = await PlaceAsync(cluster, "before", 2);
            var real = (await cluster.HostsAsync("controller-1")).Single(h => h.Host == "storage-01");

            // node-1's environment on another address, with books (and so a node identity) of its own.
            using var journals = new TempDirectory();
            await cluster.StartLikeAsync("impostor", "node-1", environment => environment["Orchestrator__Node__Journal"] = Path.Combine(journals.Path, "impostor.db"));
            var clock = Stopwatch.StartNew();
            await ComposeCluster.EventuallyAsync("the impostor's registration refused and shown", Settle, async () =>
                (await cluster.HostsAsync("controller-1")).Single(h => h.Host == "storage-01").Conflict is not null);
            output.WriteLine($"impostor refused {clock.Elapsed.TotalSeconds:0.0} s after it was healthy");
            await Task.Delay(TimeSpan.FromSeconds(3));  // several registrations of both agents

            var host = (await cluster.HostsAsync("controller-2")).Single(h => h.Host == "storage-01");
            Assert.Equal((real.Identity, real.Member, HostStatus.Up), (host.Identity, host.Member, host.Status));
            acknowledged.UnionWith(await PlaceAsync(cluster, "during", 2));
            await AssertConsistentAsync(cluster, "controller-2", acknowledged, output);
            output.WriteLine($"impostor: {acknowledged.Count} acknowledged, 0 lost, 0 overlapping");
        });
    }

    [SkippableFact]
    public async Task A_node_journal_that_lost_its_wal_file_loses_nothing_and_a_restored_one_serves_again()
    {
        using var journals = new TempDirectory();
        var journal = Path.Combine(journals.Path, "node-3.db");
        await using var cluster = await ComposeCluster.StartAsync(output, adjust: (service, environment) =>
        {
            if (service == "node-3")
            {
                environment["Orchestrator__Node__Journal"] = journal;  // SQLite, the node's default kind of journal
            }
        });
        await cluster.Guard(async () =>
        {
            await WaitForHostsUpAsync(cluster, "controller-1");
            var acknowledged = await PlaceAsync(cluster, "checkpointed", 1);
            SqliteFiles.Checkpoint(journal);
            var late = await PlaceOneAsync(cluster, "late", "storage-03");
            acknowledged.Add(late.PlacementId);

            // A crash, and the journal comes back without its -wal file (copied without it, a volume that lost it).
            cluster.Kill("node-3");
            var backup = Path.Combine(journals.Path, "backup");
            Directory.CreateDirectory(backup);
            foreach (var file in Directory.GetFiles(journals.Path, "node-3.db*"))
            {
                File.Copy(file, Path.Combine(backup, Path.GetFileName(file)));
            }
            File.Delete(journal + "-wal");
            File.Delete(journal + "-shm");
            await cluster.RestartAsync("node-3");
            var distrusted = new HashSet<(string, string)> { ("storage-03", late.Provider) };
            await ComposeCluster.EventuallyAsync("the rewound pool shown unavailable", Settle, async () =>
                (await cluster.HostsAsync("controller-1")).Single(h => h.Host == "storage-03").Pools.Single(p => p.Provider == late.Provider).Unavailable?.Contains("went back in time", StringComparison.Ordinal) == true);
            await Task.Delay(TimeSpan.FromSeconds(3));  // several registrations and loss verifications
            var (status, _, body) = await cluster.PlaceAsync("controller-2", "on-the-rewound-pool", new
            {
                host = "storage-03",
                clients = new[] { Hosts["storage-03"] },
                sizeBytes = MiB,
                policy = new { provider = late.Provider },
            });
            Assert.True(status == HttpStatusCode.ServiceUnavailable, $"{(int)status} {body}");
            output.WriteLine(body);
            await AssertConsistentAsync(cluster, "controller-2", acknowledged, output, distrusted);

            // The operator restores the journal: the pool is trusted again and node and controller agree.
            cluster.Kill("node-3");
            foreach (var file in Directory.GetFiles(backup))
            {
                File.Copy(file, Path.Combine(journals.Path, Path.GetFileName(file)), overwrite: true);
            }
            var clock = Stopwatch.StartNew();
            await cluster.RestartAsync("node-3");
            await ComposeCluster.EventuallyAsync("the restored pool trusted again", Settle, async () =>
                (await cluster.HostsAsync("controller-1")).Single(h => h.Host == "storage-03").Pools.Single(p => p.Provider == late.Provider).Unavailable is null);
            output.WriteLine($"restored journal: pool trusted again {clock.Elapsed.TotalSeconds:0.0} s after the node was started");
            acknowledged.Add((await PlaceOneAsync(cluster, "after-restore", "storage-03")).PlacementId);
            await AssertConsistentAsync(cluster, "controller-1", acknowledged, output);
            output.WriteLine($"journal without its WAL: {acknowledged.Count} acknowledged, 0 lost, 0 overlapping");
        });
    }

    /// <summary>Places <paramref name="perHost"/> buffers on every host; returns their ids.</summary>
    private static async Task<HashSet<string>> PlaceAsync(ComposeCluster cluster, string prefix, int perHost)
    {
        var placed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in Hosts.Keys)
        {
            for (var i = 0; i < perHost; i++)
            {
                placed.Add((await PlaceOneAsync(cluster, $"{prefix}-{host}-{i}", host)).PlacementId);
            }
        }
        return placed;
    }

    private static async Task<PlacementView> PlaceOneAsync(ComposeCluster cluster, string key, string host)
    {
        var (status, accepted, body) = await cluster.PlaceAsync("controller-1", key, Body(host, 2 * MiB));
        Assert.True(status == HttpStatusCode.Created, $"{key}: {(int)status} {body}");
        return accepted!.Placement;
    }
}
