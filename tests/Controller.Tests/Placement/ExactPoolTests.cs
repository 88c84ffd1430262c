using System.Net;
using Orchestrator.Controller.Tests.Api;
using static Orchestrator.Controller.Tests.Placement.PlacementRest;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>
/// §5.4's contiguous-space filter and best fit through REST on the all-in-one controller: every decision and every
/// explanation uses the node's exact pool figures, never an estimate of the controller's.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExactPoolTests(ExactPoolApp app) : IClassFixture<ExactPoolApp>
{
    private const string Provider = "0000:01:00.0";
    private const string Client = "0000:01:00.1";
    private const string Nic = "0000:03:00.0";
    private const string P1 = "0000:04:00.0";
    private const string P2 = "0000:05:00.0";

    private readonly PlacementRest rest = new(app.CreateClient(), app.Json);

    [Fact]
    public async Task After_a_release_in_the_middle_a_small_buffer_fits_in_the_hole_and_explanations_show_the_nodes_figures()
    {
        string[] clients = [Client];
        await rest.Placed(ExactPoolApp.OnePool, clients, 16 * MiB, "why-a");
        await rest.Placed(ExactPoolApp.OnePool, clients, 16 * MiB, "why-b");
        await rest.Placed(ExactPoolApp.OnePool, clients, 16 * MiB, "why-c");
        await rest.Release("why-b");

        // Two 16 MiB holes: 32 MiB free, none of it 24 MiB contiguous.
        var (status, _, problem) = await rest.Place(ExactPoolApp.OnePool, clients, 24 * MiB, "why-d");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var node = await rest.NodePools(ExactPoolApp.OnePool);
        Assert.Equal(16 * MiB, LargestFree(node, Provider));
        var refused = problem!.Value.GetProperty("explanation").GetProperty("candidates")[0];
        Assert.Equal(16 * MiB, refused.GetProperty("largestFreeExtentBytes").GetInt64());
        Assert.Equal(32 * MiB, refused.GetProperty("availableBytes").GetInt64());
        Assert.Contains($"largest free extent {16 * MiB} bytes", refused.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The refusal changed nothing: 4 KiB fits at once, in the first hole (first fit on the node).
        var small = await rest.Placed(ExactPoolApp.OnePool, clients, 4096, "why-e");
        Assert.Equal(16 * MiB, small.Placement.Offset);
        var chosen = Candidate(small.Explanation!, Provider);
        Assert.StartsWith("chosen", chosen.Reason, StringComparison.Ordinal);
        Assert.Equal(16 * MiB, chosen.LargestFreeExtentBytes);

        var explained = Candidate(await rest.Explain(ExactPoolApp.OnePool, clients, 4096), Provider);
        node = await rest.NodePools(ExactPoolApp.OnePool);
        Assert.Equal((LargestFree(node, Provider), node.Pools[0].AvailableBytes), (explained.LargestFreeExtentBytes, explained.AvailableBytes));
        Assert.Equal(16 * MiB, explained.LargestFreeExtentBytes);  // the second hole, untouched

        foreach (var id in new[] { "why-a", "why-c", "why-e" })
        {
            await rest.Release(id);
        }
    }

    [Fact]
    public async Task Best_fit_takes_the_16_MiB_hole_over_the_32_MiB_one()
    {
        string[] clients = [Nic];
        foreach (var id in new[] { "fit-a", "fit-b", "fit-c", "fit-d" })
        {
            await rest.Placed(ExactPoolApp.TwoHoles, clients, 16 * MiB, id, pinned: P1);
        }
        await rest.Release("fit-b");
        await rest.Release("fit-d");
        await rest.Placed(ExactPoolApp.TwoHoles, clients, 16 * MiB, "fit-e", pinned: P2);
        // P1: 32 MiB free in two 16 MiB holes (half reserved); P2: one 32 MiB hole (a third reserved). Best fit comes
        // before the reserved fraction: a 12 MiB buffer belongs in a 16 MiB hole.
        var node = await rest.NodePools(ExactPoolApp.TwoHoles);
        Assert.Equal((16 * MiB, 32 * MiB), (LargestFree(node, P1), LargestFree(node, P2)));

        var explanation = await rest.Explain(ExactPoolApp.TwoHoles, clients, 12 * MiB);
        Assert.Equal(P1, explanation.Provider);
        Assert.Equal(16 * MiB, Candidate(explanation, P1).LargestFreeExtentBytes);
        Assert.Equal(32 * MiB, Candidate(explanation, P2).LargestFreeExtentBytes);
        var placed = await rest.Placed(ExactPoolApp.TwoHoles, clients, 12 * MiB, "fit-f");
        Assert.Equal((P1, 16 * MiB), (placed.Placement.Provider, placed.Placement.Offset));

        foreach (var id in new[] { "fit-a", "fit-c", "fit-e", "fit-f" })
        {
            await rest.Release(id);
        }
    }
}
