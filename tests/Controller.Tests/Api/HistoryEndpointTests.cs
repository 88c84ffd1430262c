using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// The placement history over REST (issue 16), read from the SQL journal of a real all-in-one controller: who placed
/// and released a buffer (the token's name), where, and why the closer provider was refused; pages both ways; the
/// event stream as Server-Sent Events, resumed with Last-Event-ID; bad queries and unknown placements.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HistoryEndpointTests(TokenControllerApp app) : IClassFixture<TokenControllerApp>
{
    private static string TokenOf(string name) => TokenControllerApp.Clients.Single(c => c.Name == name).Token;

    /// <summary>The journal is polled for new events: what was just written shows within a few refreshes.</summary>
    private async Task<HistoryPage> HistoryOf(HttpClient client, string id, int events)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var page = (await client.GetFromJsonAsync<HistoryPage>($"/api/v1/placements/{id}/history", app.Json))!;
            if (page.Events.Count >= events || DateTime.UtcNow > deadline)
            {
                return page;
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task The_history_says_who_placed_and_released_a_buffer_where_and_why_the_closer_provider_was_refused()
    {
        var ci = app.ClientWith(TokenOf("ci"));
        var ops = app.ClientWith(TokenOf("ops"));
        // Pinned to the farther provider: the closer one (behind the NIC's own switch) is rejected, and the history says why.
        var body = new PlacementRequestBody("storage-01", ["0000:03:00.0"], 1 << 20, RequestId: "history-1", Policy: new Protocol.Controller.PlacementPolicy(Provider: "0000:06:00.0"));
        Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync("/api/v1/placements", body, app.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ops.DeleteAsync("/api/v1/placements/history-1")).StatusCode);

        var history = await HistoryOf(app.CreateClient(), "history-1", 4);
        Assert.Equal(["requested", "committed", "release-requested", "released"], history.Events.Select(e => e.Kind));
        Assert.Equal(["ci", "ci", "ops", "ops"], history.Events.Select(e => e.Who));
        Assert.All(history.Events, e => Assert.Equal(("storage-01", "0000:06:00.0", 1L << 20), (e.Host, e.Provider, e.SizeBytes)));
        Assert.Equal(history.Events.Select(e => e.Sequence).Order(), history.Events.Select(e => e.Sequence));
        Assert.All(history.Events, e => Assert.InRange(e.Time, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddSeconds(5)));
        var decision = history.Events[0].Decision!;
        Assert.Equal("0000:06:00.0", decision.Chosen);
        Assert.Equal("0000:04:00.0", decision.Closer[0].Provider);  // the closest first
        Assert.All(decision.Closer, c => Assert.Equal("not the pinned provider 0000:06:00.0", c.Reason));
        Assert.Empty(history.Warnings);

        // The same events in the cluster-wide history, newest first, filtered by host.
        var page = (await app.CreateClient().GetFromJsonAsync<HistoryPage>("/api/v1/events?host=storage-01&limit=1000", app.Json))!;
        Assert.Equal(history.Events.Reverse().Select(e => e.Sequence), page.Events.Where(e => e.PlacementId == "history-1").Select(e => e.Sequence));
        Assert.All(page.Events, e => Assert.Equal("storage-01", e.Host));
    }

    [Fact]
    public async Task Pages_go_back_with_before_and_forward_with_since()
    {
        var ci = app.ClientWith(TokenOf("ci"));
        foreach (var i in Enumerable.Range(0, 3))
        {
            Assert.Equal(HttpStatusCode.Created, (await ci.PostAsJsonAsync("/api/v1/placements", new PlacementRequestBody("storage-02", ["0000:43:00.0"], 4096, RequestId: $"paging-{i}"), app.Json)).StatusCode);
        }
        await HistoryOf(app.CreateClient(), "paging-2", 2);
        var client = app.CreateClient();
        var first = (await client.GetFromJsonAsync<HistoryPage>("/api/v1/events?limit=2", app.Json))!;
        Assert.Equal(2, first.Events.Count);
        Assert.True(first.Events[0].Sequence > first.Events[1].Sequence);
        Assert.Equal(first.Events[1].Sequence, first.Next);
        var second = (await client.GetFromJsonAsync<HistoryPage>($"/api/v1/events?limit=2&before={first.Next}", app.Json))!;
        Assert.True(second.Events[0].Sequence < first.Events[1].Sequence);
        var forward = (await client.GetFromJsonAsync<HistoryPage>($"/api/v1/events?limit=3&since={second.Events[1].Sequence}", app.Json))!;
        Assert.Equal([second.Events[0].Sequence, first.Events[1].Sequence, first.Events[0].Sequence], forward.Events.Select(e => e.Sequence));
    }

    [Fact]
    public async Task The_event_stream_sends_a_new_placement_live_and_resumes_after_the_last_event_id()
    {
        var client = app.CreateClient();
        var newest = (await client.GetFromJsonAsync<HistoryPage>("/api/v1/events?limit=1", app.Json))!.Newest;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?watch=true&host=storage-03");
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(timeout.Token));

        var body = new PlacementRequestBody("storage-03", ["0000:81:00.0"], 4096, RequestId: "stream-1");
        Assert.Equal(HttpStatusCode.Created, (await app.ClientWith(TokenOf("ci")).PostAsJsonAsync("/api/v1/placements", body, app.Json)).StatusCode);
        // The stream starts where the controller has read the journal to, which may be just before the host's own registration events.
        var events = (await ReadEvents(reader, 2, timeout.Token, e => e.Data.GetProperty("placementId").GetString() == "stream-1"));
        Assert.Equal([("requested", "stream-1"), ("committed", "stream-1")], events.Select(e => (e.Kind, e.Data.GetProperty("placementId").GetString())));
        Assert.All(events, e => Assert.True(e.Id > newest));
        Assert.Equal("ci", events[0].Data.GetProperty("who").GetString());

        // Reconnecting with the first event's id replays what came after it, and only that.
        using var resume = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events?watch=true&host=storage-03");
        resume.Headers.Add("Last-Event-ID", events[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var resumed = await client.SendAsync(resume, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var again = new StreamReader(await resumed.Content.ReadAsStreamAsync(timeout.Token));
        var replayed = Assert.Single(await ReadEvents(again, 1, timeout.Token, _ => true));
        Assert.Equal((events[1].Id, "committed"), (replayed.Id, replayed.Kind));
    }

    [Fact]
    public async Task Bad_queries_and_unknown_placements_are_refused_with_the_reason()
    {
        var client = app.CreateClient();
        var bad = await ApiAssert.Problem(await client.GetAsync("/api/v1/events?since=ten&limit=0&watch=maybe"), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("'ten' is not a sequence number", ApiAssert.FieldErrors(bad, "since")[0], StringComparison.Ordinal);
        Assert.Contains("from 1 to 1000", ApiAssert.FieldErrors(bad, "limit")[0], StringComparison.Ordinal);
        Assert.Contains("not true or false", ApiAssert.FieldErrors(bad, "watch")[0], StringComparison.Ordinal);
        var both = await ApiAssert.Problem(await client.GetAsync("/api/v1/events?since=1&before=5"), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Contains("not both", ApiAssert.FieldErrors(both, "before")[0], StringComparison.Ordinal);
        await ApiAssert.Problem(await client.GetAsync("/api/v1/placements/no-such-placement/history"), HttpStatusCode.NotFound, "unknown-placement");
    }

    private sealed record ServerSentEvent(long Id, string Kind, JsonElement Data);

    private static async Task<List<ServerSentEvent>> ReadEvents(StreamReader reader, int count, CancellationToken cancel, Func<ServerSentEvent, bool> wanted)
    {
        var events = new List<ServerSentEvent>();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(cancel) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (fields.TryGetValue("id", out var id) && fields.TryGetValue("data", out var data))
                {
                    var e = new ServerSentEvent(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), fields["event"], JsonDocument.Parse(data).RootElement);
                    if (wanted(e))
                    {
                        events.Add(e);
                    }
                }
                fields.Clear();
            }
            else if (!line.StartsWith(':') && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
            {
                fields[line[..colon]] = line[(colon + 1)..].TrimStart();
            }
        }
        return events;
    }
}
