using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

public sealed class InFlightTableTests
{
    private static readonly PlacementExplanation Explanation = new("storage-01", "orchestrator", null, [], []);

    [Fact]
    public void A_finished_flight_returns_every_waiter_once()
    {
        var table = new InFlightTable<string>();
        var flight = table.StartPlacement("p1", "storage-01", "fp", SampleHost.Request(4096, clients: [SampleHost.Nic]), Explanation, "first");
        flight.Waiters.Add("retry");
        Assert.True(table.Contains("p1"));
        Assert.Equal(("fp", false), (table.Find("p1")!.Fingerprint, table.Find("p1")!.Releasing));
        Assert.Equal(["first", "retry"], table.Finish("p1"));
        Assert.Empty(table.Finish("p1"));
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void A_release_has_no_fingerprint_or_request()
    {
        var table = new InFlightTable<string>();
        var flight = table.StartRelease("p1", "storage-01", "caller");
        Assert.True(flight.Releasing);
        Assert.Null(flight.Fingerprint);
        Assert.Null(flight.Request);
    }

    [Fact]
    public void Parked_decisions_come_back_once_per_host()
    {
        var table = new InFlightTable<string>();
        var woken = new List<string>();
        table.Park("storage-01", () => woken.Add("a"));
        table.Park("storage-01", () => woken.Add("b"));
        table.Park("storage-02", () => woken.Add("c"));
        foreach (var decide in table.Unpark("storage-01"))
        {
            decide();
        }
        Assert.Equal(["a", "b"], woken);
        Assert.Empty(table.Unpark("storage-01"));
        Assert.Single(table.Unpark("storage-02"));
    }
}
