using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Controller.Tests.Api;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>The real all-in-one controller simulating the hosts of <c>Placement/Hosts/*.yaml</c> (one-pool, two-holes).</summary>
public sealed class ExactPoolApp : ControllerApp
{
    public const string OnePool = "one-pool";
    public const string TwoHoles = "two-holes";

    protected override string Topologies => Path.Combine(FixturePaths.RepoRoot, "tests", "Controller.Tests", "Placement", "Hosts");

    protected override IReadOnlyList<string> Hosts => [OnePool, TwoHoles];
}

/// <summary>REST calls the placement tests make, with the answers read strictly.</summary>
internal sealed class PlacementRest(HttpClient client, JsonSerializerOptions json)
{
    public const long MiB = 1 << 20;

    public async Task<(HttpStatusCode Status, PlacementAccepted? Accepted, JsonElement? Problem)> Place(string host, string[] clients, long size, string id, string? pinned = null, string? mode = null,
        bool fullExplanation = false)
    {
        var policy = pinned is null && mode is null ? null : new PlacementPolicy(mode, null, pinned);
        using var response = await client.PostAsJsonAsync(fullExplanation ? "/api/v1/placements?explain=full" : "/api/v1/placements", new PlacementRequestBody(host, clients, size, null, policy, id), json);
        var text = await response.Content.ReadAsStringAsync();
        return response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK
            ? (response.StatusCode, JsonSerializer.Deserialize<PlacementAccepted>(text, json), null)
            : (response.StatusCode, null, JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<PlacementAccepted> Placed(string host, string[] clients, long size, string id, string? pinned = null)
    {
        var (status, accepted, problem) = await Place(host, clients, size, id, pinned);
        Assert.True(status == HttpStatusCode.Created, $"placing {id}: {(int)status} {problem}");
        return accepted!;
    }

    public async Task<PlacementExplanation> Explain(string host, string[] clients, long size, string? mode = null)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/placements/explain",
            new PlacementRequestBody(host, clients, size, null, mode is null ? null : new PlacementPolicy(mode)), json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<PlacementExplanation>(json))!;
    }

    public async Task Release(string id)
    {
        using var response = await client.DeleteAsync($"/api/v1/placements/{id}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"releasing {id}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The pools as the node's agent holds them now (the controller asks the agent; nothing cached).</summary>
    public async Task<HostPools> NodePools(string host) => (await client.GetFromJsonAsync<HostPools>($"/api/v1/hosts/{host}/pools", json))!;

    public async Task<HostView> Host(string host) => (await client.GetFromJsonAsync<HostView>($"/api/v1/hosts/{host}", json))!;

    public async Task Drain(string host, string? provider, bool drained)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/hosts/{host}/{(drained ? "drain" : "undrain")}", new DrainRequestBody(provider), json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static CandidateExplanation Candidate(PlacementExplanation explanation, string provider) => explanation.Candidates.Single(c => c.Provider == provider);

    public static long LargestFree(HostPools pools, string provider) => pools.Pools.Single(p => p.Provider == provider).LargestFreeExtentBytes;
}
