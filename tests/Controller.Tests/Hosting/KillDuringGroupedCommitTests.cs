using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>
/// Issue 14, part 2: the all-in-one controller (the default deployment: coordinator and pools on one SQLite journal)
/// is SIGKILLed while 16 clients place at once, so the journal is committing many concurrent placements' events per
/// transaction, then started again on the same folder. Nothing acknowledged is lost: every 201 is committed where it
/// was answered; every request left unanswered, retried with its Idempotency-Key, ends as one committed placement;
/// and each pool holds exactly the committed placements, at their offsets, none overlapping.
/// </summary>
public sealed class KillDuringGroupedCommitTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Nics = new(StringComparer.Ordinal)
    {
        ["storage-01"] = "0000:03:00.0",
        ["storage-02"] = "0000:43:00.0",
        ["storage-03"] = "0000:01:00.0",
    };

    private static readonly JsonSerializerOptions Json = new(Orchestrator.Controller.Api.ApiJson.Strict) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    [Fact]
    public async Task Killing_the_controller_during_grouped_commits_loses_no_acknowledged_placement()
    {
        using var data = new TempDirectory();
        using var controller = new ControllerProcess(data.Combine("controller"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        controller.Start();
        await controller.WaitForHostsAsync(http, Nics.Keys, TimeSpan.FromSeconds(90));

        var acknowledged = new ConcurrentDictionary<string, PlacementView>(StringComparer.Ordinal);
        var unanswered = new ConcurrentBag<string>();
        var inFlight = 0;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Client(int c)
        {
            for (var i = 0; ; i++)
            {
                var key = $"kill-{c}-{i}";
                Interlocked.Increment(ref inFlight);
                try
                {
                    var (status, accepted, text) = await Place(http, controller.Url, key, i);
                    Assert.True(status == HttpStatusCode.Created, $"{key}: {(int)status} {text}");
                    acknowledged[key] = accepted!.Placement;
                    if (acknowledged.Count >= 60)
                    {
                        enough.TrySetResult();
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    unanswered.Add(key);  // the controller died with this request in flight
                    return;
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }
        }
        var storm = Enumerable.Range(0, 16).Select(c => Task.Run(() => Client(c))).ToList();
        await enough.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var flying = Volatile.Read(ref inFlight);
        controller.Kill();
        await Task.WhenAll(storm);
        output.WriteLine($"killed with {flying} requests in flight, after {acknowledged.Count} acknowledged; {unanswered.Count} left unanswered");
        Assert.True(flying >= 8, $"only {flying} requests were in flight at the kill: the commits were not grouped");

        controller.Start();
        await controller.WaitForHostsAsync(http, Nics.Keys, TimeSpan.FromSeconds(90));
        foreach (var (key, placed) in acknowledged)
        {
            var seen = await http.GetFromJsonAsync<PlacementView>($"{controller.Url}/api/v1/placements/{key}", Json);
            Assert.Equal((PlacementState.Committed, placed.Host, placed.Provider, placed.Offset, placed.Length), (seen!.State, seen.Host, seen.Provider, seen.Offset, seen.Length));
        }

        // A client that heard nothing retries with the same key: one placement, committed, whatever the kill left of it.
        var retried = new StringBuilder();
        foreach (var key in unanswered)
        {
            var deadline = DateTime.UtcNow.AddSeconds(45);
            while (true)
            {
                var (status, accepted, text) = await Place(http, controller.Url, key, int.Parse(key.Split('-')[2], System.Globalization.CultureInfo.InvariantCulture));
                if (status is HttpStatusCode.Created or HttpStatusCode.OK && accepted!.Placement.State == PlacementState.Committed)
                {
                    retried.Append($"{key}: {(int)status}; ");
                    acknowledged[key] = accepted.Placement;
                    break;
                }
                // 503 while the host re-registers, 200 pending until reconciliation settles the journaled request.
                Assert.True(status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.OK && DateTime.UtcNow < deadline, $"{key} after the restart: {(int)status} {text}");
                await Task.Delay(250);
            }
        }
        output.WriteLine($"retried: {retried}");

        foreach (var host in Nics.Keys)
        {
            var committed = (await http.GetFromJsonAsync<PlacementPage>($"{controller.Url}/api/v1/placements?host={host}&state=committed&limit=1000", Json))!.Items
                .ToDictionary(p => p.PlacementId, StringComparer.Ordinal);
            Assert.Equal(acknowledged.Values.Where(p => p.Host == host).Select(p => p.PlacementId).Order(StringComparer.Ordinal), committed.Keys.Order(StringComparer.Ordinal));
            var pools = (await http.GetFromJsonAsync<HostPools>($"{controller.Url}/api/v1/hosts/{host}/pools", Json))!.Pools;
            var held = pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, Allocation: a))).ToList();
            Assert.Equal(committed.Keys.Order(StringComparer.Ordinal), held.Select(h => h.Allocation.AllocationId).Order(StringComparer.Ordinal));
            foreach (var (provider, a) in held)
            {
                var p = committed[a.AllocationId];
                Assert.Equal((p.Provider, p.Offset, p.Length), (provider, (long?)a.Offset, (long?)a.Length));
            }
            foreach (var pool in pools)
            {
                var extents = pool.Allocations.OrderBy(a => a.Offset).ToList();
                for (var i = 1; i < extents.Count; i++)
                {
                    Assert.True(extents[i - 1].Offset + extents[i - 1].Length <= extents[i].Offset, $"{host} {pool.Provider}: {extents[i - 1].AllocationId} and {extents[i].AllocationId} overlap");
                }
            }
        }
        // The history is the journal's own: it says who placed each acknowledged buffer, after the kill as before it.
        foreach (var key in acknowledged.Keys.Take(10))
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            HistoryPage history;
            while ((history = (await http.GetFromJsonAsync<HistoryPage>($"{controller.Url}/api/v1/placements/{key}/history", Json))!).Events.All(e => e.Kind != "committed")
                && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
            Assert.Contains(history.Events, e => e.Kind == "committed" && e.Who == "anonymous");
        }
    }

    private static async Task<(HttpStatusCode Status, PlacementAccepted? Accepted, string Text)> Place(HttpClient http, string url, string key, int i)
    {
        var host = Nics.Keys.ElementAt(i % Nics.Count);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{url}/api/v1/placements")
        {
            Content = JsonContent.Create(new PlacementRequestBody(host, [Nics[host]], 64 * 1024 * (1 + (i % 4))), options: Json),
        };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonSerializer.Deserialize<PlacementAccepted>(text, Json) : null, text);
    }
}
