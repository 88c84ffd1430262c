using System.Net;
using System.Net.Http.Json;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Controller.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class HostEndpointTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Lists_the_four_simulated_hosts_up_with_pool_summaries()
    {
        var hosts = await client.GetFromJsonAsync<List<HostView>>("/api/v1/hosts", app.Json);
        Assert.Equal(ControllerApp.SampleHosts, hosts!.Select(h => h.Host));
        Assert.All(hosts!, h => Assert.Equal(HostStatus.Up, h.Status));
        var storage01 = hosts!.Single(h => h.Host == "storage-01");
        Assert.Equal(["0000:04:00.0", "0000:05:00.0", "0000:06:00.0"], storage01.Pools.Select(p => p.Provider));
        Assert.All(storage01.Pools, p => Assert.True(p.Revision > 0, "the figures are the node's (journal revision)"));
        Assert.Equal("GenuineIntel", storage01.CpuVendor);
    }

    [Fact]
    public async Task Shows_one_host_and_names_an_unknown_one()
    {
        var host = await client.GetFromJsonAsync<HostView>("/api/v1/hosts/storage-02", app.Json);
        Assert.Equal("storage-02", host!.Host);
        var problem = await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/no-such-host"), HttpStatusCode.NotFound, "unknown-host");
        Assert.Contains("no-such-host", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topology_as_json_and_as_an_annotated_tree()
    {
        var document = await client.GetFromJsonAsync<TopologyDocument>("/api/v1/hosts/storage-01/topology", app.Json);
        Assert.Equal("storage-01", document!.Host);
        Assert.Contains(document.Functions!, f => f.Address == "0000:03:00.0");

        var text = await client.GetAsync("/api/v1/hosts/storage-01/topology?format=text");
        Assert.Equal("text/plain", text.Content.Headers.ContentType?.MediaType);
        var tree = await text.Content.ReadAsStringAsync();
        Assert.StartsWith("host storage-01", tree, StringComparison.Ordinal);
        Assert.Contains("ConnectX-6 Dx", tree, StringComparison.Ordinal);

        await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/storage-01/topology?format=xml"), HttpStatusCode.BadRequest, "invalid-request");
        await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/nope/topology"), HttpStatusCode.NotFound, "unknown-host");
    }

    [Fact]
    public async Task Matrix_gives_levels_and_kernel_verdicts_for_the_chosen_devices()
    {
        var matrix = await client.GetFromJsonAsync<LevelMatrix>("/api/v1/hosts/storage-03/matrix?devices=0000:01:00.0,0000:02:00.0&devices=0000:82:00.0", app.Json);
        Assert.Equal(["0000:01:00.0", "0000:02:00.0", "0000:82:00.0"], matrix!.Devices);
        Assert.Equal("PHB", matrix.Levels[0][1]);
        Assert.Equal("SYS", matrix.Levels[0][2]);
        Assert.Equal("X", matrix.Levels[2][2]);

        var all = await client.GetFromJsonAsync<LevelMatrix>("/api/v1/hosts/storage-01/matrix", app.Json);
        Assert.Equal(all!.Devices.Count, all.Levels.Count);

        var bad = await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/storage-01/matrix?devices=0000:03:00.0,pci-nic"), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("pci-nic", ApiAssert.FieldErrors(bad, "devices[1]")[0], StringComparison.Ordinal);
        var unknown = await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/storage-01/matrix?devices=0000:99:00.0"), HttpStatusCode.NotFound, "unknown-device");
        Assert.Contains("0000:99:00.0", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pools_come_fresh_from_the_agent_with_allocations()
    {
        var pools = await client.GetFromJsonAsync<HostPools>("/api/v1/hosts/storage-02/pools", app.Json);
        Assert.Equal("storage-02", pools!.Host);
        Assert.Equal(["0000:46:00.0", "0000:47:00.0"], pools.Pools.Select(p => p.Provider).Order(StringComparer.Ordinal));
        Assert.All(pools.Pools, p => Assert.True(p.CapacityBytes > 0));
        await ApiAssert.Problem(await client.GetAsync("/api/v1/hosts/nope/pools"), HttpStatusCode.NotFound, "unknown-host");
    }

    [Fact]
    public async Task Draining_a_host_refuses_new_placements_until_undrained()
    {
        var drained = await client.PostAsync("/api/v1/hosts/storage-03/drain", null);
        Assert.Equal(HttpStatusCode.OK, drained.StatusCode);
        Assert.True((await drained.Content.ReadFromJsonAsync<DrainSet>(app.Json))!.Drained);

        var body = new PlacementRequestBody("storage-03", ["0000:01:00.0"], 4096);
        var refused = await client.PostAsJsonAsync("/api/v1/placements", body, app.Json);
        await ApiAssert.Problem(refused, HttpStatusCode.Conflict, "draining");

        var undrained = await client.PostAsync("/api/v1/hosts/storage-03/undrain", null);
        Assert.Equal(HttpStatusCode.OK, undrained.StatusCode);
        var placed = await client.PostAsJsonAsync("/api/v1/placements", body with { RequestId = "drain-test-1" }, app.Json);
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("/api/v1/placements/drain-test-1")).StatusCode);
    }

    [Fact]
    public async Task Draining_one_provider_checks_the_provider()
    {
        var one = await client.PostAsJsonAsync("/api/v1/hosts/storage-01/drain", new DrainRequestBody("04:00.0"), app.Json);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.Equal("0000:04:00.0", (await one.Content.ReadFromJsonAsync<DrainSet>(app.Json))!.Provider);
        var host = await client.GetFromJsonAsync<HostView>("/api/v1/hosts/storage-01", app.Json);
        Assert.Equal(["0000:04:00.0"], host!.DrainedProviders);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/v1/hosts/storage-01/undrain", new DrainRequestBody("0000:04:00.0"), app.Json)).StatusCode);

        await ApiAssert.Problem(await client.PostAsJsonAsync("/api/v1/hosts/storage-01/drain", new DrainRequestBody("0000:03:00.0"), app.Json), HttpStatusCode.NotFound, "unknown-device");
        var bad = await ApiAssert.Problem(await client.PostAsJsonAsync("/api/v1/hosts/storage-01/drain", new DrainRequestBody("nvme0"), app.Json), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotEmpty(ApiAssert.FieldErrors(bad, "provider"));
        await ApiAssert.Problem(await client.PostAsync("/api/v1/hosts/nope/drain", null), HttpStatusCode.NotFound, "unknown-host");
    }
}
