using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Serialization;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The REST bridge on a real Kestrel (127.0.0.1, free port) in front of a real cluster: a controller and two node
/// processes' worth of ActorSystems over remoting, each with its own journal.
/// </summary>
public sealed class RestClusterTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const string HostB = "storage-02";

    private static readonly JsonSerializerOptions Json = new(ProtocolSerializer.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    [Fact]
    public async Task Places_explains_lists_and_releases_over_http_and_finds_placements_after_a_controller_restart()
    {
        var logs = LogCapture.Install();
        await using var cluster = new TestCluster();
        try
        {
            await cluster.StartControllerAsync();
            await cluster.StartNodeAsync(HostA);
            await cluster.StartNodeAsync(HostB);
            await cluster.WaitForHostsAsync(HostA, HostB);
            using var http = new HttpClient { BaseAddress = cluster.RestAddress(), Timeout = TimeSpan.FromSeconds(30) };

            var hosts = await http.GetFromJsonAsync<List<HostView>>("/api/v1/hosts", Json);
            Assert.Equal([HostA, HostB], hosts!.Select(h => h.Host));
            Assert.All(hosts!, h => Assert.NotEqual(cluster.Seed, h.Member));

            var explained = await (await http.PostAsJsonAsync("/api/v1/placements/explain", new PlacementRequestBody(HostB, ["0000:43:00.0"], 1 << 20), Json))
                .Content.ReadFromJsonAsync<PlacementExplanation>(Json);
            Assert.NotNull(explained!.Provider);

            var placed = new Dictionary<string, PlacementView>(StringComparer.Ordinal);
            foreach (var (id, host, client) in new[] { ("r-1", HostA, "0000:03:00.0"), ("r-2", HostA, "0000:03:00.0"), ("r-3", HostB, "0000:43:00.0") })
            {
                var response = await http.PostAsJsonAsync("/api/v1/placements", new PlacementRequestBody(host, [client], 1 << 20, RequestId: id), Json);
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                placed[id] = (await response.Content.ReadFromJsonAsync<PlacementAccepted>(Json))!.Placement;
            }
            Assert.Equal(explained.Provider, placed["r-3"].Provider);
            var page = await http.GetFromJsonAsync<PlacementPage>($"/api/v1/placements?host={HostA}", Json);
            Assert.Equal(["r-1", "r-2"], page!.Items.Select(p => p.PlacementId));
            Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync("/api/v1/placements/r-2")).StatusCode);

            // The controller goes away and comes back on the same journal, with a new REST port.
            var nodeSeeds = cluster.NodeAddresses;
            await cluster.StopControllerAsync();
            await cluster.StartControllerAsync(seeds: [cluster.Seed, .. nodeSeeds]);
            await cluster.WaitForHostsAsync(HostA, HostB);
            using var after = new HttpClient { BaseAddress = cluster.RestAddress(), Timeout = TimeSpan.FromSeconds(30) };

            foreach (var id in new[] { "r-1", "r-3" })
            {
                var found = await after.GetFromJsonAsync<PlacementView>($"/api/v1/placements/{id}", Json);
                Assert.Equal(PlacementState.Committed, found!.State);
                Assert.Equal((placed[id].Provider, placed[id].Offset), (found.Provider, found.Offset));
            }
            Assert.Equal(PlacementState.Released, (await after.GetFromJsonAsync<PlacementView>("/api/v1/placements/r-2", Json))!.State);
            var pools = await after.GetFromJsonAsync<HostPools>($"/api/v1/hosts/{HostA}/pools", Json);
            Assert.Equal(["r-1"], pools!.Pools.SelectMany(p => p.Allocations).Select(a => a.AllocationId));
            Assert.Equal(HttpStatusCode.OK, (await after.GetAsync("/readyz")).StatusCode);
        }
        catch
        {
            foreach (var line in logs.Lines)
            {
                output.WriteLine(line);
            }
            throw;
        }
    }
}
