using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>The compose cluster's hosts, and the invariants every compose scenario and fault ends with.</summary>
internal static class ComposeInvariants
{
    public const long MiB = 1 << 20;
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(45);

    /// <summary>The hosts node-1..3 simulate (their topology files), and a NIC of each as the placement's client.</summary>
    public static readonly IReadOnlyDictionary<string, string> Hosts = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["storage-01"] = "0000:03:00.0",
        ["storage-02"] = "0000:43:00.0",
        ["storage-03"] = "0000:01:00.0",
    };

    public static object Body(string host, long size) => new { host, clients = new[] { Hosts[host] }, sizeBytes = size };

    public static Task WaitForHostsUpAsync(ComposeCluster cluster, string controller) =>
        ComposeCluster.EventuallyAsync($"hosts {string.Join(", ", Hosts.Keys)} up on {controller}", Settle, async () =>
        {
            var hosts = await cluster.HostsAsync(controller);
            return Hosts.Keys.All(h => hosts.Any(v => v.Host == h && v.Status == HostStatus.Up));
        });

    /// <summary>
    /// Waits until reconciliation has settled on every host (nothing pending or releasing, every live placement held by
    /// its node at the same extent, nothing held without a live placement), then checks that every acknowledged
    /// placement is live and that no byte of any provider is allocated twice. On <paramref name="distrusted"/> pools
    /// (host, provider: the node lost part of its books) only acknowledged placements and overlaps are checked, as node
    /// and controller cannot agree there until the node's journal is restored.
    /// </summary>
    public static async Task AssertConsistentAsync(ComposeCluster cluster, string controller, IReadOnlySet<string> acknowledged, ITestOutputHelper output,
        IReadOnlySet<(string Host, string Provider)>? distrusted = null)
    {
        foreach (var host in Hosts.Keys)
        {
            List<PlacementView> placements = [];
            List<Protocol.Node.PoolStatus> pools = [];
            await ComposeCluster.EventuallyAsync($"{host} settled", Settle, async () =>
            {
                placements = [.. (await cluster.PlacementsAsync(controller, host)).Items];
                pools = [.. (await cluster.PoolsAsync(controller, host)).Pools];
                bool Trusted(string provider) => distrusted?.Contains((host, provider)) != true;
                var live = placements.Where(p => p.State == PlacementState.Committed && Trusted(p.Provider)).ToDictionary(p => p.PlacementId);
                var held = pools.Where(p => Trusted(p.Provider)).SelectMany(p => p.Allocations.Select(a => (p.Provider, a))).ToDictionary(x => x.a.AllocationId);
                return placements.All(p => p.State is not (PlacementState.Pending or PlacementState.Releasing))
                    && live.Count == held.Count
                    && live.Values.All(p => held.TryGetValue(p.PlacementId, out var h) && (h.Provider, h.a.Offset, h.a.Length) == (p.Provider, p.Offset ?? -1, p.Length ?? -1));
            });
            foreach (var placement in placements.Where(p => acknowledged.Contains(p.PlacementId)))
            {
                Assert.True(placement.State == PlacementState.Committed, $"acknowledged placement {placement.PlacementId} is {placement.State}");
            }
            foreach (var pool in pools)
            {
                ExtentAssert.NoOverlap(pool.Allocations, $"{host} {pool.Provider}: ");
                Assert.True(pool.Allocations.All(a => a.Offset + a.Length <= pool.CapacityBytes), $"{host} {pool.Provider}: an extent ends past the capacity");
                if (distrusted?.Contains((host, pool.Provider)) == true)
                {
                    // The node's books miss buffers the controller committed: nothing it holds may overlap them either.
                    var committed = placements.Where(p => p.Provider == pool.Provider && p.State == PlacementState.Committed)
                        .Select(p => new Protocol.Node.AllocationRecord(p.PlacementId, p.Offset!.Value, p.Length!.Value, p.SizeBytes, 0));
                    ExtentAssert.NoOverlap(committed.Concat(pool.Allocations).DistinctBy(a => a.AllocationId), $"{host} {pool.Provider} (distrusted): ");
                }
            }
            output.WriteLine($"{host}: {placements.Count(p => p.State == PlacementState.Committed)} committed, {pools.Sum(p => p.AllocationCount)} allocations, consistent");
        }
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var host in Hosts.Keys)
        {
            listed.UnionWith((await cluster.PlacementsAsync(controller, host)).Items.Where(p => p.State == PlacementState.Committed).Select(p => p.PlacementId));
        }
        var missing = acknowledged.Where(id => !listed.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"acknowledged placements not committed: {string.Join(", ", missing)}");
    }
}
