using Orchestrator.Protocol.Controller;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Two controllers must keep their placements in one journal: on failover the singleton recovers from the next
/// controller's journal. Two SQLite files (each controller's default) are refused: the younger stops. One shared
/// journal (here one SQLite file, as the failover tests use) runs.
/// </summary>
public sealed class JournalSharingTests
{
    [Fact]
    public async Task A_second_controller_with_a_journal_of_its_own_stops_and_the_first_keeps_serving()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync("storage-01");
        await cluster.WaitForHostsAsync("storage-01");
        var placed = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("before", "storage-01", ["0000:03:00.0"], 1 << 20)));

        await cluster.StartControllerAsync(port: TestCluster.FreePort(), journal: "controller-2");
        var younger = cluster.ControllerSystem(1);
        var stopped = await Task.WhenAny(younger.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(45)));
        Assert.True(stopped == younger.WhenTerminated, "the controller with a journal of its own kept running");

        await cluster.UseControllerAsync(0);
        var found = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("before")));
        Assert.Equal((PlacementState.Committed, placed.Placement.Offset), (found.Placement.State, found.Placement.Offset));
        Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("after", "storage-01", ["0000:03:00.0"], 1 << 20)));
    }

    [Fact]
    public async Task Two_controllers_on_one_journal_both_run()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartControllerAsync(port: TestCluster.FreePort());
        var second = cluster.ControllerSystem(1);
        // Long enough for the guards to have compared (they ask within a second of the member being up).
        var stopped = await Task.WhenAny(second.WhenTerminated, Task.Delay(TimeSpan.FromSeconds(8)));
        Assert.False(stopped == second.WhenTerminated, "a controller sharing the journal was stopped");
    }
}
