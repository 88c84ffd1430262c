using System.Net;
using Orchestrator.Controller.Tests.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;
using static Orchestrator.Controller.Tests.Placement.PlacementRest;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>
/// Sixteen concurrent clients on one nearly full pool: bytes in flight are subtracted from the view and a decision
/// that lacks room only because of them waits, so there is no false 422 while room remains, and the node never
/// holds two buffers on one byte.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrentPlacementTests(ExactPoolApp app) : IClassFixture<ExactPoolApp>
{
    private const string Provider = "0000:01:00.0";
    private static readonly string[] Clients = ["0000:01:00.1"];

    [Fact]
    public async Task Sixteen_clients_fill_the_last_16_MiB_exactly_and_churn_without_a_false_refusal()
    {
        var rest = new PlacementRest(app.CreateClient(), app.Json);
        for (var i = 0; i < 3; i++)
        {
            await rest.Placed(ExactPoolApp.OnePool, Clients, 16 * MiB, $"fill-{i}");
        }

        // 24 requests of 1 MiB at once for the last 16 MiB: exactly 16 fit, and the other 8 are refused.
        var burst = await Task.WhenAll(Enumerable.Range(0, 24).Select(i => rest.Place(ExactPoolApp.OnePool, Clients, MiB, $"burst-{i}")));
        Assert.Equal(16, burst.Count(b => b.Status == HttpStatusCode.Created));
        Assert.Equal(8, burst.Count(b => b.Status == HttpStatusCode.UnprocessableEntity));
        await AssertNodeAgrees(rest, burst.Where(b => b.Accepted is not null).Select(b => b.Accepted!.Placement).ToList());
        await Task.WhenAll(burst.Where(b => b.Accepted is not null).Select(b => rest.Release(b.Accepted!.Placement.PlacementId)));

        // 16 clients, each holding at most 1 MiB at a time (the last round's stays), on 16 MiB: every placement must succeed.
        var refusals = 0;
        var held = new List<PlacementView>();
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async client =>
        {
            for (var round = 0; round < 8; round++)
            {
                var (status, accepted, problem) = await rest.Place(ExactPoolApp.OnePool, Clients, MiB, $"churn-{client}-{round}");
                if (status != HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref refusals);
                    Assert.Fail($"client {client} round {round}: {(int)status} {problem}");
                }
                lock (held)
                {
                    held.Add(accepted!.Placement);
                }
                if (round < 7)
                {
                    await rest.Release(accepted!.Placement.PlacementId);
                    lock (held)
                    {
                        held.RemoveAll(p => p.PlacementId == accepted.Placement.PlacementId);
                    }
                }
            }
        }));
        Assert.Equal(0, refusals);
        await AssertNodeAgrees(rest, held);
    }

    /// <summary>Every placement the controller committed is held by the node at the same extent, and no two extents overlap.</summary>
    private static async Task AssertNodeAgrees(PlacementRest rest, IReadOnlyList<PlacementView> committed)
    {
        var pool = (await rest.NodePools(ExactPoolApp.OnePool)).Pools.Single(p => p.Provider == Provider);
        ExtentAssert.NoOverlap(pool.Allocations);
        foreach (var p in committed)
        {
            var held = Assert.Single(pool.Allocations, a => a.AllocationId == p.PlacementId);
            Assert.Equal((p.Offset, p.Length), (held.Offset, held.Length));
        }
    }
}
