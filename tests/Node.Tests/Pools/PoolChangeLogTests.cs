using Orchestrator.Node.Pools;

namespace Orchestrator.Node.Tests.Pools;

/// <summary>The changes since a revision are exactly those after it, or nothing when the log cannot vouch for them.</summary>
public sealed class PoolChangeLogTests
{
    [Fact]
    public void The_changes_after_a_revision_are_those_logged_after_it_each_once()
    {
        var log = new PoolChangeLog();
        log.Start(10);
        log.Granted(11, "a");
        log.Granted(12, "b");
        log.Freed(13, "a");
        log.Granted(14, "a");  // the same id again: freed and granted, whoever applies removes first
        log.Freed(15, "b");

        Assert.Equal("granted a b, freed a b", Lists(log.Since(10, 15)));
        Assert.Equal("granted a, freed a b", Lists(log.Since(12, 15)));
        Assert.Equal("granted a, freed b", Lists(log.Since(13, 15)));
        Assert.Equal("granted , freed ", Lists(log.Since(15, 15)));
    }

    [Fact]
    public void A_revision_before_the_start_or_ahead_of_the_books_has_no_delta()
    {
        var log = new PoolChangeLog();
        log.Start(10);
        log.Granted(11, "a");
        Assert.Null(log.Since(9, 11));  // before the pool's actor recovered: unknown
        Assert.Null(log.Since(12, 11));  // ahead of the books: a journal that went back, or another process's revision
        Assert.NotNull(log.Since(10, 11));
    }

    [Fact]
    public void Past_its_capacity_the_oldest_quarter_goes_and_deltas_from_that_far_back_with_it()
    {
        var log = new PoolChangeLog(capacity: 8);
        log.Start(0);
        for (var r = 1; r <= 9; r++)
        {
            log.Granted(r, $"id-{r}");
        }
        Assert.Equal(7, log.Count);
        Assert.Equal(2, log.From);
        Assert.Null(log.Since(1, 9));
        Assert.Equal(Enumerable.Range(3, 7).Select(r => $"id-{r}"), log.Since(2, 9)!.Value.Granted);
    }

    [Fact]
    public void A_revision_out_of_order_is_refused()
    {
        var log = new PoolChangeLog();
        log.Start(5);
        log.Granted(6, "a");
        Assert.Throws<ArgumentOutOfRangeException>(() => log.Freed(6, "a"));
    }

    private static string Lists((IReadOnlyList<string> Granted, IReadOnlyList<string> Freed)? delta)
        => $"granted {string.Join(' ', delta!.Value.Granted)}, freed {string.Join(' ', delta.Value.Freed)}";
}
