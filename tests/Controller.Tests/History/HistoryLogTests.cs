using Orchestrator.Controller.History;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.History;

/// <summary>The journal read as history: attribution, paging both ways, the bound, and watchers (issue 16).</summary>
public sealed class HistoryLogTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);

    private static PlacementRequested Requested(string id, string host = "storage-01", string provider = "0000:04:00.0", string? who = "ci", IReadOnlyList<PassedOver>? closer = null)
        => new(id, id, host, provider, ["0000:03:00.0"], 1 << 20, null, "orchestrator", "fp", Who: who, Closer: closer);

    private static HistoryLog Filled(params IPlacementEvent[] events)
    {
        var log = new HistoryLog(100);
        for (var i = 0; i < events.Length; i++)
        {
            log.Append(i + 1, T0.AddSeconds(i), events[i]);
        }
        return log;
    }

    [Fact]
    public void Each_event_names_who_asked_and_where_even_when_the_event_itself_does_not()
    {
        var closer = new PassedOver("0000:06:00.0", "PIX", 2, "pool overcommitted");
        var log = Filled(
            Requested("a", closer: [closer]),
            new PlacementCommitted("a", 0, 1 << 20),                 // an event journaled before host and provider were on it
            new ReleaseRequested("a", Who: "ops"),
            new PlacementReleased("a"),
            Requested("b", who: null),                              // journaled before who was recorded
            new PlacementLost("b", "host storage-01 no longer holds the buffer"),
            new DrainChanged("storage-02", null, true, "ops"));

        var a = log.Since(new HistoryFilter(Placement: "a"), 0, 100);
        Assert.Equal(["requested", "committed", "release-requested", "released"], a.Select(e => e.Kind));
        Assert.Equal(["ci", "ci", "ops", "ops"], a.Select(e => e.Who));
        Assert.All(a, e => Assert.Equal(("storage-01", "0000:04:00.0"), (e.Host, e.Provider)));
        Assert.Equal(closer, Assert.Single(a[0].Decision!.Closer));
        Assert.Equal("0000:04:00.0", a[0].Decision!.Chosen);
        Assert.Equal(T0.AddSeconds(1), a[1].Time);

        var b = log.Since(new HistoryFilter(Placement: "b"), 0, 100);
        Assert.Equal([("requested", HistoryLog.Unknown), ("lost", HistoryLog.Controller)], b.Select(e => (e.Kind, e.Who)));
        Assert.Equal("host storage-01 no longer holds the buffer", b[1].Detail);

        var drain = Assert.Single(log.Page(new HistoryFilter(Host: "storage-02"), null, 10));
        Assert.Equal(("drained", "ops", 7L), (drain.Kind, drain.Who, drain.Sequence));
    }

    [Fact]
    public void A_second_decision_for_a_placement_is_shown_as_redecided()
    {
        var log = Filled(Requested("a"), Requested("a", provider: "0000:06:00.0"));
        Assert.Equal(["requested", "redecided"], log.Since(new HistoryFilter(), 0, 10).Select(e => e.Kind));
        Assert.Equal("0000:06:00.0", log.Page(new HistoryFilter(), null, 1)[0].Provider);
    }

    [Fact]
    public void Pages_go_newest_first_before_a_cursor_or_oldest_first_since_one()
    {
        var log = Filled([.. Enumerable.Range(1, 10).Select(i => (IPlacementEvent)Requested($"p{i}", host: i % 2 == 0 ? "even" : "odd"))]);
        Assert.Equal([10L, 9, 8], log.Page(new HistoryFilter(), null, 3).Select(e => e.Sequence));
        Assert.Equal([7L, 6, 5], log.Page(new HistoryFilter(), 8, 3).Select(e => e.Sequence));
        Assert.Equal([4L, 5], log.Since(new HistoryFilter(), 3, 2).Select(e => e.Sequence));
        Assert.Equal([6L, 4], log.Page(new HistoryFilter(Host: "even"), 8, 2).Select(e => e.Sequence));
        Assert.Empty(log.Since(new HistoryFilter(), 10, 5));
    }

    [Fact]
    public void It_holds_its_capacity_and_skips_what_it_has_read()
    {
        var log = new HistoryLog(8);
        for (var i = 1; i <= 100; i++)
        {
            log.Append(i, T0, Requested($"p{i}"));
        }
        Assert.Null(log.Append(50, T0, Requested("again")));  // a reader restarted from an older sequence
        Assert.Equal(100, log.Newest);
        Assert.InRange(log.OldestRetained, 100 - 8 - 1, 100 - 7);
        Assert.InRange(log.Since(new HistoryFilter(), 0, 1000).Count, 8, 9);
    }

    [Fact]
    public async Task A_watcher_gets_what_is_held_after_its_cursor_then_each_new_event_once()
    {
        var log = Filled(Requested("a"), Requested("b"), Requested("c"));
        using var watch = log.Watch(new HistoryFilter(), 1);
        log.Append(4, T0, Requested("d"));
        log.Append(5, T0, new DrainChanged("other", null, true));
        var seen = new List<long>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (seen.Count < 4 && await watch.Events.WaitToReadAsync(timeout.Token))
        {
            while (watch.Events.TryRead(out var e))
            {
                seen.Add(e.Sequence);
            }
        }
        Assert.Equal([2L, 3, 4, 5], seen);
    }

    [Fact]
    public async Task A_watcher_that_falls_behind_is_cut_off_and_told_why()
    {
        var log = new HistoryLog(HistoryLog.WatcherBacklog * 2);
        using var watch = log.Watch(new HistoryFilter(), 0);
        for (var i = 1; i <= HistoryLog.WatcherBacklog + 1; i++)
        {
            log.Append(i, T0, Requested($"p{i}"));
        }
        var read = 0;
        var cut = await Assert.ThrowsAsync<HistoryWatcherTooSlow>(async () =>
        {
            await foreach (var _ in watch.Events.ReadAllAsync())
            {
                read++;
            }
        });
        Assert.Equal(HistoryLog.WatcherBacklog, read);
        Assert.Contains("Last-Event-ID", cut.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_the_coordinator_hands_over_is_taken_only_as_the_very_next_event()
    {
        var log = new HistoryLog(100);
        Assert.False(log.AppendNext(1, T0, Requested("a")));   // nothing read from the journal yet: where it starts is unknown
        log.Append(7, T0, Requested("a"));                    // the journal's oldest row
        Assert.True(log.AppendNext(8, T0, Requested("b")));
        Assert.False(log.AppendNext(10, T0, Requested("d"))); // 9 was missed: the journal read brings 9 and 10
        Assert.False(log.AppendNext(8, T0, Requested("b")));  // and never twice
        log.Append(9, T0, Requested("c"));
        log.Append(10, T0, Requested("d"));
        Assert.Equal([7L, 8, 9, 10], log.Since(new HistoryFilter(), 0, 10).Select(e => e.Sequence));
    }
}
