using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// Named clients with scopes (issue 12): read reads, place places and releases, admin also drains and sees the
/// cluster's internals; a smaller scope is 403 and changes nothing; the logs name the client, never its token; without
/// an admin token, reads hide members' addresses.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ScopeTests(TokenControllerApp app) : IClassFixture<TokenControllerApp>
{
    private static readonly PlacementRequestBody Body = new("storage-02", ["0000:43:00.0"], 4096);

    private static string TokenOf(string name) => TokenControllerApp.Clients.Single(c => c.Name == name).Token;

    [Fact]
    public async Task Each_scope_does_what_it_allows_and_nothing_more()
    {
        var reader = app.ClientWith(TokenOf("grafana"));
        var placer = app.ClientWith(TokenOf("ci"));
        var admin = app.ClientWith(TokenOf("ops"));

        var forbidden = await ApiAssert.Problem(await reader.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "scope-1" }, app.Json), HttpStatusCode.Forbidden, "forbidden");
        Assert.Contains("client 'grafana' has scope read; this needs place", forbidden.ToString(), StringComparison.Ordinal);
        await ApiAssert.Problem(await reader.GetAsync("/api/v1/placements/scope-1"), HttpStatusCode.NotFound, "unknown-placement");

        Assert.Equal(HttpStatusCode.Created, (await placer.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "scope-1" }, app.Json)).StatusCode);
        await ApiAssert.Problem(await placer.PostAsync("/api/v1/hosts/storage-02/drain", null), HttpStatusCode.Forbidden, "forbidden");
        Assert.False(JsonDocument.Parse(await reader.GetStringAsync("/api/v1/hosts/storage-02")).RootElement.GetProperty("drained").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await placer.DeleteAsync("/api/v1/placements/scope-1")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/hosts/storage-02/drain", null)).StatusCode);
        Assert.True(JsonDocument.Parse(await reader.GetStringAsync("/api/v1/hosts/storage-02")).RootElement.GetProperty("drained").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("/api/v1/hosts/storage-02/undrain", null)).StatusCode);
    }

    [Fact]
    public async Task Reads_hide_member_addresses_that_an_admin_token_shows()
    {
        foreach (var reader in new[] { app.CreateClient(), app.ClientWith(TokenOf("grafana")), app.ClientWith(TokenOf("ci")) })
        {
            var hidden = JsonDocument.Parse(await reader.GetStringAsync("/api/v1/hosts")).RootElement;
            Assert.NotEmpty(hidden.EnumerateArray());
            Assert.All(hidden.EnumerateArray(), h => Assert.DoesNotContain("akka", h.GetProperty("member").GetString()!, StringComparison.Ordinal));
        }
        var shown = JsonDocument.Parse(await app.ClientWith(TokenOf("ops")).GetStringAsync("/api/v1/hosts")).RootElement;
        Assert.All(shown.EnumerateArray(), h => Assert.StartsWith("akka", h.GetProperty("member").GetString()!, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_log_names_the_client_of_each_change_and_never_its_token()
    {
        var sink = LogLines.Install();
        using (sink)
        {
            var placer = app.ClientWith(TokenOf("ci"));
            Assert.Equal(HttpStatusCode.Created, (await placer.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "scope-log" }, app.Json)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await placer.DeleteAsync("/api/v1/placements/scope-log")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(TokenOf("ops")).PostAsync("/api/v1/hosts/storage-02/undrain", null)).StatusCode);
        }
        Assert.Contains(sink.All, l => l.Contains("placement scope-log placed on storage-02", StringComparison.Ordinal) && l.Contains("ci", StringComparison.Ordinal));
        Assert.Contains(sink.All, l => l.Contains("placement scope-log released", StringComparison.Ordinal) && l.Contains("ci", StringComparison.Ordinal));
        Assert.Contains(sink.All, l => l.Contains("host storage-02 undrained", StringComparison.Ordinal) && l.Contains("ops", StringComparison.Ordinal));
        Assert.DoesNotContain(sink.All, l => TokenControllerApp.Clients.Any(c => l.Contains(c.Token, StringComparison.Ordinal)));
    }
}
