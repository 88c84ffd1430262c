using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>Health, readiness, metrics, OpenAPI, and what the server does with bodies it cannot take.</summary>
[Collection(ApiCollection.Name)]
public sealed class ServiceEndpointTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Healthy_and_ready_when_the_coordinator_and_the_journal_answer()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        var ready = await client.GetAsync("/readyz");
        var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(body.GetProperty("coordinator").GetBoolean());
        Assert.True(body.GetProperty("journal").GetBoolean());
    }

    [Fact]
    public async Task Metrics_count_placements_hosts_pools_and_request_latency()
    {
        var created = await client.PostAsJsonAsync("/api/v1/placements", new PlacementRequestBody("storage-01", ["0000:03:00.0"], 8192, RequestId: "metrics-1"), app.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var text = await client.GetStringAsync("/metrics");
        Assert.Contains("p2p_hosts{status=\"up\"} 4", text, StringComparison.Ordinal);
        Assert.Matches(@"p2p_placements\{state=""committed""\} [1-9]", text);
        Assert.Contains("p2p_pool_capacity_bytes{host=\"storage-03\",provider=\"0000:82:00.0\"}", text, StringComparison.Ordinal);
        Assert.Matches(@"p2p_placement_requests_total\{operation=""place"",outcome=""created""\} [1-9]", text);
        Assert.Contains("p2p_placement_request_seconds_bucket{operation=\"place\"", text, StringComparison.Ordinal);
        // prometheus-net's HTTP middleware: by route pattern and status class, never by raw path.
        await client.GetAsync("/api/v1/hosts/no-such-host");
        text = await client.GetStringAsync("/metrics");
        Assert.Matches(@"http_requests_received_total\{code=""2xx"",method=""POST"",controller="""",action="""",endpoint=""/api/v1/placements/?""\} [1-9]", text);
        Assert.Matches(@"http_requests_received_total\{code=""4xx"",method=""GET"",controller="""",action="""",endpoint=""/api/v1/hosts/\{host\}""\} [1-9]", text);
        Assert.DoesNotContain("no-such-host", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serves_the_openapi_document_and_a_reference_page()
    {
        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/v1/hosts", "/api/v1/hosts/{host}/topology", "/api/v1/hosts/{host}/matrix", "/api/v1/hosts/{host}/pools",
            "/api/v1/placements", "/api/v1/placements/explain", "/api/v1/placements/{id}", "/api/v1/hosts/{host}/drain", "/readyz" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }
        var page = await client.GetAsync("/scalar");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_routes_and_methods_answer_problem_json()
    {
        var missing = await client.GetAsync("/api/v1/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var method = await client.PutAsync("/api/v1/placements/x", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("application/problem+json", method.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("   ", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("null", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("{\"host\":", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("[1,2]", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":\"big\"}", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":1e400}", "application/json", HttpStatusCode.BadRequest, "invalid-request")]
    [InlineData("{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096}", "text/plain", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    [InlineData("host=storage-01", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType, "unsupported-media-type")]
    public async Task Bodies_it_cannot_read_are_4xx_problems(string body, string contentType, HttpStatusCode status, string type)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        await ApiAssert.Problem(await client.PostAsync("/api/v1/placements", content), status, type);
    }

    [Fact]
    public async Task An_oversized_body_is_413()
    {
        var huge = "{\"host\":\"storage-01\",\"clients\":[" + string.Join(',', Enumerable.Repeat("\"0000:03:00.0\"", 10_000)) + "],\"sizeBytes\":4096}";
        var problem = await ApiAssert.Problem(await client.PostAsync("/api/v1/placements", new StringContent(huge, Encoding.UTF8, "application/json")),
            HttpStatusCode.RequestEntityTooLarge, "body-too-large");
        Assert.Contains("65536", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
