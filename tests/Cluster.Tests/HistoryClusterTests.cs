using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The placement history in a cluster (issue 16), on SQLite and on PostgreSQL: every controller reads the coordinator's
/// journal through the SQL read journal, whichever member holds the singleton; a placement made through one controller
/// shows on the other's history, and when the singleton moves the history goes on in the same sequence.
/// </summary>
public sealed class HistoryClusterTests
{
    private const string Host = "storage-01";
    private const string Nic = "0000:03:00.0";
    private static readonly JsonSerializerOptions Json = new(ProtocolSerializer.Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    [SkippableTheory]
    [InlineData(TestJournals.Sqlite)]
    [InlineData(TestJournals.Postgres)]
    public async Task Every_controller_reads_the_same_history_and_it_goes_on_when_the_singleton_moves(string journalKind)
    {
        await using var cluster = new TestCluster(journalKind);
        await cluster.StartControllerAsync();
        var second = TestCluster.FreePort();
        await cluster.StartControllerAsync(port: second, seeds: [cluster.Seed, $"akka.tcp://orchestrator@127.0.0.1:{second}"]);
        await cluster.StartNodeAsync(Host);
        await cluster.WaitForHostsAsync(Host);
        using var oldest = new HttpClient { BaseAddress = cluster.RestAddress(0), Timeout = TimeSpan.FromSeconds(30) };
        using var other = new HttpClient { BaseAddress = cluster.RestAddress(1), Timeout = TimeSpan.FromSeconds(30) };

        // Placed through the controller that does not hold the singleton: who asked crosses remoting with the request.
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsJsonAsync("/api/v1/placements", new PlacementRequestBody(Host, [Nic], 1 << 20, RequestId: "h-1"), Json)).StatusCode);
        foreach (var controller in new[] { oldest, other })
        {
            var events = await Until(controller, "h-1", 2);
            Assert.Equal([("requested", "anonymous"), ("committed", "anonymous")], events.Select(e => (e.Kind, e.Who)));
            Assert.All(events, e => Assert.Equal(Host, e.Host));
        }
        var before = (await Until(other, "h-1", 2))[^1].Sequence;

        await cluster.StopControllerAsync(0);  // the singleton moves to the survivor, which goes on with the same journal
        await cluster.UseControllerAsync(0);
        await cluster.WaitForHostsAsync(Host);
        Assert.Equal(HttpStatusCode.OK, (await other.DeleteAsync("/api/v1/placements/h-1")).StatusCode);
        var after = await Until(other, "h-1", 4);
        Assert.Equal(["requested", "committed", "release-requested", "released"], after.Select(e => e.Kind));
        Assert.True(after[2].Sequence > before, $"the moved singleton journals after sequence {before}: {after[2].Sequence}");
        Assert.Empty((await other.GetFromJsonAsync<HistoryPage>("/api/v1/events?limit=1", Json))!.Warnings);
    }

    private static async Task<IReadOnlyList<HistoryEvent>> Until(HttpClient controller, string placement, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = (await controller.GetFromJsonAsync<HistoryPage>($"/api/v1/placements/{placement}/history", Json))!;
            if (page.Events.Count >= count)
            {
                return page.Events;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{controller.BaseAddress}: {page.Events.Count} of {count} events of {placement} after 20 s: {string.Join(", ", page.Events.Select(e => e.Kind))} {string.Join("; ", page.Warnings)}");
            await Task.Delay(100);
        }
    }
}
