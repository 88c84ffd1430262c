using Orchestrator.Hosting;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>When to snapshot and what may be deleted after (issue 14): the plain rule the coordinator and every pool follow.</summary>
public sealed class JournalRetentionTests
{
    [Fact]
    public void A_snapshot_is_due_after_the_minimum_or_after_as_many_events_as_it_holds_records()
    {
        var small = new JournalRetention(minEvents: 10, keepEvents: 0);
        Assert.Equal(9, Enumerable.Range(0, 9).Count(_ => !small.Persisted(records: 3)));
        Assert.True(small.Persisted(records: 3));  // the 10th

        var big = new JournalRetention(minEvents: 10, keepEvents: 0);
        Assert.Equal(999, Enumerable.Range(0, 999).Count(_ => !big.Persisted(records: 1000)));
        Assert.True(big.Persisted(records: 1000));  // a snapshot of 1,000 records costs at most one record per event
    }

    [Fact]
    public void The_snapshot_before_the_newest_is_kept_and_so_are_the_events_after_it()
    {
        var retention = new JournalRetention(minEvents: 10, keepEvents: 0);
        Assert.Equal((null, null), retention.Saved(100));  // the first: nothing older to fall back on yet
        Assert.Equal((99L, 100L), retention.Saved(200));  // snapshots before 100 go, events up to 100 (the kept snapshot has them)
        Assert.Equal((199L, 200L), retention.Saved(300));
        Assert.Equal((null, null), retention.Saved(250));  // a late answer for an older snapshot deletes nothing
    }

    [Fact]
    public void History_events_are_kept_before_the_older_snapshot()
    {
        var retention = new JournalRetention(minEvents: 10, keepEvents: 150);
        retention.Saved(100);
        Assert.Equal((99L, null), retention.Saved(200));  // 100 - 150: no event is old enough
        Assert.Equal((199L, 50L), retention.Saved(300));
    }

    [Fact]
    public void Recovery_counts_the_events_replayed_after_its_snapshot()
    {
        var retention = new JournalRetention(minEvents: 10, keepEvents: 0);
        retention.Recovered(snapshotSequenceNr: 40, lastSequenceNr: 48);
        Assert.Equal(8, retention.EventsSinceSnapshot);
        Assert.False(retention.Persisted(1));
        Assert.True(retention.Persisted(1));  // 10 since the snapshot
        Assert.Equal((39L, 40L), retention.Saved(50));  // the recovered snapshot is the older one now
    }
}
