using System.Net;
using System.Net.Http.Json;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class PlacementEndpointTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private static readonly PlacementRequestBody NicAndDrive = new("storage-01", ["0000:03:00.0", "0000:04:00.0"], 1 << 20);

    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Explain_full_lists_every_provider_in_the_answer_and_anything_else_is_refused()
    {
        var full = await client.PostAsJsonAsync("/api/v1/placements?explain=full", NicAndDrive with { RequestId = "full-1" }, app.Json);
        Assert.Equal(HttpStatusCode.Created, full.StatusCode);
        var explanation = (await full.Content.ReadFromJsonAsync<PlacementAccepted>(app.Json))!.Explanation!;
        Assert.Equal(3, explanation.Candidates.Count);
        Assert.Equal(0, explanation.Omitted);
        Assert.StartsWith("chosen: ", explanation.Candidates[0].Reason, StringComparison.Ordinal);

        var bad = await client.PostAsJsonAsync("/api/v1/placements?explain=yes", NicAndDrive with { RequestId = "full-2" }, app.Json);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'yes' is not 'full'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/placements/full-2")).StatusCode);  // refused before anything was placed
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync("/api/v1/placements/full-1")).StatusCode);
    }

    [Fact]
    public async Task Place_show_list_and_release_a_buffer()
    {
        var created = await Place(NicAndDrive with { RequestId = "crud-1" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/v1/placements/crud-1", created.Headers.Location?.ToString());
        var accepted = await created.Content.ReadFromJsonAsync<PlacementAccepted>(app.Json);
        Assert.False(accepted!.Existing);
        Assert.Equal(PlacementState.Committed, accepted.Placement.State);
        // Same switch as the NIC, and the drive itself: a CMB behind the switch, never the one under the other root port.
        Assert.Contains(accepted.Placement.Provider, new[] { "0000:04:00.0", "0000:05:00.0" });
        // The answer explains the chosen provider only; storage-01 has two more.
        Assert.Equal(accepted.Placement.Provider, Assert.Single(accepted.Explanation!.Candidates).Provider);
        Assert.Equal(2, accepted.Explanation.Omitted);

        var shown = await client.GetFromJsonAsync<PlacementView>("/api/v1/placements/crud-1", app.Json);
        Assert.Equal(accepted.Placement with { Clients = [] }, shown! with { Clients = [] });
        Assert.Equal(accepted.Placement.Clients, shown.Clients);

        var page = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements?host=storage-01&state=committed", app.Json);
        Assert.Contains(page!.Items, p => p.PlacementId == "crud-1");

        var pools = await client.GetFromJsonAsync<HostPools>("/api/v1/hosts/storage-01/pools", app.Json);
        Assert.Contains(pools!.Pools.Single(p => p.Provider == shown!.Provider).Allocations, a => a.AllocationId == "crud-1");

        var released = await client.DeleteAsync("/api/v1/placements/crud-1");
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Equal(PlacementState.Released, (await released.Content.ReadFromJsonAsync<PlacementView>(app.Json))!.State);
        // Idempotent: releasing again answers the released placement.
        var again = await client.DeleteAsync("/api/v1/placements/crud-1");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(PlacementState.Released, (await again.Content.ReadFromJsonAsync<PlacementView>(app.Json))!.State);

        // A retry of the original request is not a success any more: the id belongs to a released placement.
        var replay = await ApiAssert.Problem(await Place(NicAndDrive with { RequestId = "crud-1" }), HttpStatusCode.Conflict, "conflict");
        Assert.Contains("released", replay.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_makes_one_placement()
    {
        var first = await Place(NicAndDrive, key: "idem-1");
        var second = await Place(NicAndDrive, key: "idem-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var a = await first.Content.ReadFromJsonAsync<PlacementAccepted>(app.Json);
        var b = await second.Content.ReadFromJsonAsync<PlacementAccepted>(app.Json);
        Assert.True(b!.Existing);
        Assert.Equal(a!.Placement.Offset, b.Placement.Offset);
        Assert.Equal(a.Placement.Provider, b.Placement.Provider);
        var page = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements?host=storage-01", app.Json);
        Assert.Single(page!.Items, p => p.RequestId == "idem-1");

        // The same key with another body is a conflict, and changes nothing.
        var conflict = await Place(NicAndDrive with { SizeBytes = 2 << 20 }, key: "idem-1");
        await ApiAssert.Problem(conflict, HttpStatusCode.Conflict, "conflict");
        Assert.Equal(1 << 20, (await client.GetFromJsonAsync<PlacementView>("/api/v1/placements/idem-1", app.Json))!.SizeBytes);

        // requestId in the body works like the header, and must agree with it when both are sent.
        var viaBody = await Place(NicAndDrive with { RequestId = "idem-1" });
        Assert.Equal(HttpStatusCode.OK, viaBody.StatusCode);
        var mismatch = await ApiAssert.Problem(await Place(NicAndDrive with { RequestId = "idem-2" }, key: "idem-1"), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotEmpty(ApiAssert.FieldErrors(mismatch, "requestId"));
    }

    [Fact]
    public async Task Without_a_key_the_server_names_the_placement()
    {
        var created = await Place(NicAndDrive);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<PlacementAccepted>(app.Json))!.Placement.PlacementId;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(HttpStatusCode.OK, (await client.DeleteAsync($"/api/v1/placements/{id}")).StatusCode);
    }

    [Fact]
    public async Task Explain_is_a_dry_run_with_every_candidate()
    {
        var before = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements", app.Json);
        var body = new PlacementRequestBody("storage-03", ["0000:81:00.0"], 4096);
        var response = await client.PostAsJsonAsync("/api/v1/placements/explain", body, app.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var explanation = await response.Content.ReadFromJsonAsync<PlacementExplanation>(app.Json);
        Assert.NotNull(explanation!.Provider);
        Assert.Equal(2, explanation.Candidates.Count);
        Assert.Contains(explanation.Candidates, c => c.Provider == "0000:02:00.0" && c.Level == "SYS" && c.Eligible);
        Assert.Contains(explanation.Candidates, c => c.Provider == "0000:82:00.0" && c.Level == "PHB" && c.Eligible);

        // maxLevel PHB keeps socket 1's NIC on socket 1's p2pmem card and says why the CMB across the sockets lost.
        var local = await (await client.PostAsJsonAsync("/api/v1/placements/explain", body with { Policy = new PlacementPolicy(MaxLevel: "PHB") }, app.Json))
            .Content.ReadFromJsonAsync<PlacementExplanation>(app.Json);
        Assert.Equal("0000:82:00.0", local!.Provider);
        Assert.Contains("maxLevel", local.Candidates.Single(c => c.Provider == "0000:02:00.0").Reason, StringComparison.Ordinal);
        var after = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements", app.Json);
        Assert.Equal(before!.Total, after!.Total);

        // Nothing fits on storage-04 (its only p2pmem is unpublished): still 200, no provider, and the reason.
        var none = await client.PostAsJsonAsync("/api/v1/placements/explain", new PlacementRequestBody("storage-04", ["0000:03:00.0"], 4096), app.Json);
        var noneExplained = await none.Content.ReadFromJsonAsync<PlacementExplanation>(app.Json);
        Assert.Null(noneExplained!.Provider);
        Assert.Contains("publish", noneExplained.Candidates.Single().Reason, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task No_compatible_provider_is_422_with_the_explanation()
    {
        var response = await Place(new PlacementRequestBody("storage-04", ["0000:03:00.0", "0000:05:00.0"], 4096, RequestId: "no-fit-1"));
        var problem = await ApiAssert.Problem(response, (HttpStatusCode)422, "no-compatible-provider");
        var candidates = problem.GetProperty("explanation").GetProperty("candidates");
        Assert.Equal("0000:04:00.0", candidates[0].GetProperty("provider").GetString());
        Assert.False(candidates[0].GetProperty("eligible").GetBoolean());

        // Too big for any pool on storage-01.
        var huge = await Place(NicAndDrive with { SizeBytes = 1L << 40, RequestId = "no-fit-2" });
        await ApiAssert.Problem(huge, (HttpStatusCode)422, "no-compatible-provider");
    }

    [Fact]
    public async Task Unknown_hosts_devices_and_placements_are_404()
    {
        await ApiAssert.Problem(await Place(NicAndDrive with { Host = "storage-99" }), HttpStatusCode.NotFound, "unknown-host");
        var device = await ApiAssert.Problem(await Place(NicAndDrive with { Clients = ["0000:03:00.0", "0000:0a:00.0"] }), HttpStatusCode.NotFound, "unknown-device");
        Assert.Contains("0000:0a:00.0", device.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ApiAssert.Problem(await client.GetAsync("/api/v1/placements/never-made"), HttpStatusCode.NotFound, "unknown-placement");
        await ApiAssert.Problem(await client.DeleteAsync("/api/v1/placements/never-made"), HttpStatusCode.NotFound, "unknown-placement");
    }

    [Fact]
    public async Task Invalid_fields_are_reported_together_by_name()
    {
        var body = new PlacementRequestBody(" ", ["0000:03:00.0", "nic0"], -5, new NvmeofTarget("", 0, -1), new PlacementPolicy("fastest", "LAN", "x"), "bad id!");
        var problem = await ApiAssert.Problem(await Place(body), HttpStatusCode.BadRequest, "invalid-request");
        foreach (var field in new[] { "host", "clients[1]", "sizeBytes", "policy.mode", "policy.maxLevel", "policy.provider", "nvmeof.subsystemNqn", "nvmeof.namespaceId", "nvmeof.portId", "requestId" })
        {
            Assert.NotEmpty(ApiAssert.FieldErrors(problem, field));
        }
    }

    [Fact]
    public async Task Names_that_path_normalisation_or_the_node_would_refuse_are_400_before_anything_is_placed()
    {
        var before = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements", app.Json);

        var nqn = await ApiAssert.Problem(await Place(NicAndDrive with { Nvmeof = new NvmeofTarget("..", 1, null), RequestId = "nqn-dots" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.StartsWith("subsystemNqn '..' is not an NVMe qualified name", Assert.Single(ApiAssert.FieldErrors(nqn, "nvmeof.subsystemNqn")), StringComparison.Ordinal);

        var bodyId = await ApiAssert.Problem(await Place(NicAndDrive with { RequestId = ".." }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.StartsWith("requestId '..' is not a request id", Assert.Single(ApiAssert.FieldErrors(bodyId, "requestId")), StringComparison.Ordinal);
        var headerId = await ApiAssert.Problem(await Place(NicAndDrive, key: "."), HttpStatusCode.BadRequest, "invalid-request");
        Assert.StartsWith("requestId '.' is not a request id", Assert.Single(ApiAssert.FieldErrors(headerId, "requestId")), StringComparison.Ordinal);

        var tooBig = await ApiAssert.Problem(await Place(NicAndDrive with { SizeBytes = (1L << 40) + 1, RequestId = "too-big" }), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("1 TiB", Assert.Single(ApiAssert.FieldErrors(tooBig, "sizeBytes")), StringComparison.Ordinal);

        var after = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements", app.Json);
        Assert.Equal(before!.Total, after!.Total);
    }

    [Fact]
    public async Task Lists_page_and_filter()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await Place(new PlacementRequestBody("storage-02", ["0000:43:00.0"], 4096, RequestId: $"page-{i}"))).StatusCode);
        }
        var first = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements?host=storage-02&limit=2", app.Json);
        var second = await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements?host=storage-02&limit=2&offset=2", app.Json);
        Assert.Equal(5, first!.Total);
        Assert.Equal(["page-0", "page-1"], first.Items.Select(p => p.PlacementId));
        Assert.Equal(["page-2", "page-3"], second!.Items.Select(p => p.PlacementId));
        Assert.Empty((await client.GetFromJsonAsync<PlacementPage>("/api/v1/placements?host=storage-02&state=released", app.Json))!.Items);

        var bad = await ApiAssert.Problem(await client.GetAsync("/api/v1/placements?state=gone&limit=0&offset=-1"), HttpStatusCode.BadRequest, "invalid-request");
        Assert.NotEmpty(ApiAssert.FieldErrors(bad, "state"));
        Assert.NotEmpty(ApiAssert.FieldErrors(bad, "limit"));
        Assert.NotEmpty(ApiAssert.FieldErrors(bad, "offset"));
    }

    private Task<HttpResponseMessage> Place(PlacementRequestBody body, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/placements") { Content = JsonContent.Create(body, options: app.Json) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }
        return client.SendAsync(request);
    }
}
