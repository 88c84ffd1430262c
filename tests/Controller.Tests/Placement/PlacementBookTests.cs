using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.Placement;

public sealed class PlacementBookTests
{
    [Fact]
    public void Forgets_the_oldest_finished_placements_beyond_the_bound_and_never_a_live_one()
    {
        var book = new PlacementBook(keepFinished: 2);
        foreach (var id in new[] { "a", "b", "c", "live" })
        {
            book.Apply(Requested(id));
            book.Apply(new PlacementCommitted(id, 0, 4096));
        }
        book.Apply(new ReleaseRequested("a"));
        book.Apply(new PlacementReleased("a"));
        book.Apply(new PlacementFailed("b", "node timeout"));
        Assert.Equal(4, book.Count);

        book.Apply(new PlacementLost("c", "gone"));
        Assert.Null(book.Find("a"));
        Assert.Equal(PlacementState.Failed, book.Find("b")!.State);
        Assert.Equal(PlacementState.Lost, book.Find("c")!.State);
        Assert.Equal(PlacementState.Committed, book.Find("live")!.State);

        // A replayed terminal event for a placement already finished is not counted twice.
        book.Apply(new PlacementLost("c", "gone"));
        Assert.Equal(3, book.Count);
    }

    [Fact]
    public void A_restored_snapshot_keeps_the_bound()
    {
        var book = new PlacementBook(keepFinished: 1);
        book.Apply(Requested("x"));
        book.Apply(new PlacementFailed("x", "refused"));
        var restored = new PlacementBook(keepFinished: 1);
        restored.Restore(book.Snapshot());
        restored.Apply(Requested("y"));
        restored.Apply(new PlacementFailed("y", "refused"));
        Assert.Null(restored.Find("x"));
        Assert.NotNull(restored.Find("y"));
    }

    [Fact]
    public void A_host_holds_its_placements_until_they_are_forgotten_and_across_a_restore()
    {
        var book = new PlacementBook(keepFinished: 1);
        book.Apply(Requested("a", "h1"));
        book.Apply(Requested("b", "h2"));
        book.Apply(Requested("c", "h1"));
        book.Apply(new PlacementFailed("a", "refused"));
        Assert.Equal(["a", "c"], book.OnHost("h1").Select(p => p.PlacementId).Order());
        Assert.True(book.Knows("h2"));
        Assert.False(book.Knows("h3"));
        Assert.Empty(book.OnHost("h3"));

        // Decided again on another host under the same id: it moves.
        book.Apply(Requested("b", "h1"));
        Assert.False(book.Knows("h2"));

        // The second finished placement makes the book forget the first, on its host too.
        book.Apply(new PlacementFailed("c", "refused"));
        Assert.Equal(["b", "c"], book.OnHost("h1").Select(p => p.PlacementId).Order());

        var restored = new PlacementBook(keepFinished: 1);
        restored.Restore(book.Snapshot());
        Assert.Equal(["b", "c"], restored.OnHost("h1").Select(p => p.PlacementId).Order());
        restored.Apply(new PlacementFailed("b", "refused"));
        Assert.Equal(["b"], restored.OnHost("h1").Select(p => p.PlacementId));
    }

    private static PlacementRequested Requested(string id, string host = "h") => new(id, id, host, "0000:04:00.0", ["0000:03:00.0"], 4096, null, "orchestrator", "f");
}
