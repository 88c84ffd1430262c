using System.Globalization;
using System.Threading.Channels;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.History;

/// <summary>Which events a history query or stream wants: those of one host, of one placement, or all.</summary>
public sealed record HistoryFilter(string? Host = null, string? Placement = null)
{
    public bool Matches(HistoryEvent e)
        => (Host is null || string.Equals(e.Host, Host, StringComparison.Ordinal))
            && (Placement is null || string.Equals(e.PlacementId, Placement, StringComparison.Ordinal));
}

/// <summary>
/// The placement coordinator's journal read as history (issue 16): each event in sequence order becomes a
/// <see cref="HistoryEvent"/>, attributed to its placement's host, provider, size and client. Holds the newest
/// <see cref="Capacity"/> events, as many as the journal itself keeps (<c>--history-events</c>): a view of the journal,
/// rebuilt from it at every start, never a store of its own. Watchers get every new event that matches their filter.
/// Thread-safe: the journal's reader appends while HTTP requests read.
/// </summary>
public sealed class HistoryLog(int capacity)
{
    /// <summary>Events a watcher may fall behind by before it is cut off (it reconnects and resumes from its last id).</summary>
    public const int WatcherBacklog = 10_000;

    /// <summary>What the history remembers of a placement, from its request, for the events that do not carry it.</summary>
    private sealed record Subject(string Host, string Provider, long SizeBytes, string Who)
    {
        public string? Releaser { get; set; }

        public long LastSequence { get; set; }
    }

    private readonly object gate = new();
    private readonly List<HistoryEvent> events = [];
    private readonly Dictionary<string, Subject> subjects = new(StringComparer.Ordinal);
    private readonly List<(HistoryFilter Filter, ChannelWriter<HistoryEvent> Writer)> watchers = [];

    public int Capacity { get; } = capacity;

    /// <summary>The newest sequence number read (0 before any).</summary>
    public long Newest { get; private set; }

    /// <summary>The oldest sequence number held (0 before any).</summary>
    public long OldestRetained
    {
        get
        {
            lock (gate)
            {
                return events.Count > 0 ? events[0].Sequence : 0;
            }
        }
    }

    /// <summary>Takes the journal's next event; events at or below <see cref="Newest"/> (a reader that restarted) are skipped.</summary>
    public HistoryEvent? Append(long sequence, DateTimeOffset time, object journaled)
    {
        lock (gate)
        {
            if (sequence <= Newest || journaled is not IPlacementEvent e)
            {
                return null;
            }
            Newest = sequence;
            var entry = Describe(sequence, time, e);
            events.Add(entry);
            if (events.Count > Capacity + (Capacity / 8))
            {
                Trim();
            }
            for (var i = watchers.Count - 1; i >= 0; i--)
            {
                var (filter, writer) = watchers[i];
                if (filter.Matches(entry) && !writer.TryWrite(entry))
                {
                    writer.TryComplete(new HistoryWatcherTooSlow(entry.Sequence));
                    watchers.RemoveAt(i);
                }
            }
            return entry;
        }
    }

    /// <summary>
    /// Takes an event only if it is the very next one after <see cref="Newest"/> (false otherwise, and before anything
    /// was read from the journal): what the coordinator hands over as it journals, never ahead of the journal's order.
    /// </summary>
    public bool AppendNext(long sequence, DateTimeOffset time, object journaled)
    {
        lock (gate)
        {
            return Newest > 0 && sequence == Newest + 1 && Append(sequence, time, journaled) is not null;
        }
    }

    /// <summary>Newest first: at most <paramref name="limit"/> events older than <paramref name="before"/> (all when null).</summary>
    public IReadOnlyList<HistoryEvent> Page(HistoryFilter filter, long? before, int limit)
    {
        lock (gate)
        {
            return Scan(filter, IndexAtOrAfter(before ?? long.MaxValue) - 1, -1, limit);
        }
    }

    /// <summary>Oldest first: at most <paramref name="limit"/> events after sequence number <paramref name="since"/>.</summary>
    public IReadOnlyList<HistoryEvent> Since(HistoryFilter filter, long since, int limit)
    {
        lock (gate)
        {
            return Scan(filter, IndexAtOrAfter(since + 1), 1, limit);
        }
    }

    /// <summary>The events that match from index <paramref name="start"/> on, going <paramref name="step"/> (1 or -1), at most <paramref name="limit"/>.</summary>
    private List<HistoryEvent> Scan(HistoryFilter filter, int start, int step, int limit)
    {
        var found = new List<HistoryEvent>(Math.Min(limit, 256));
        for (var i = start; i >= 0 && i < events.Count && found.Count < limit; i += step)
        {
            if (filter.Matches(events[i]))
            {
                found.Add(events[i]);
            }
        }
        return found;
    }

    /// <summary>
    /// A stream of the events after <paramref name="since"/> that match, held ones first, then each new one as it is
    /// read; atomic, so none is missed or doubled between the two. A watcher that falls <see cref="WatcherBacklog"/>
    /// events behind is completed with <see cref="HistoryWatcherTooSlow"/>. Dispose the subscription to stop.
    /// </summary>
    public HistoryWatch Watch(HistoryFilter filter, long since)
    {
        var channel = Channel.CreateBounded<HistoryEvent>(new BoundedChannelOptions(WatcherBacklog) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        lock (gate)
        {
            var held = Since(filter, since, WatcherBacklog);
            if (held.Count == WatcherBacklog)
            {
                throw new HistoryWatcherTooSlow(since);
            }
            foreach (var e in held)
            {
                channel.Writer.TryWrite(e);
            }
            watchers.Add((filter, channel.Writer));
        }
        return new HistoryWatch(channel.Reader, () =>
        {
            lock (gate)
            {
                watchers.RemoveAll(w => w.Writer == channel.Writer);
            }
            channel.Writer.TryComplete();
        });
    }

    private int IndexAtOrAfter(long sequence)
    {
        // Sequence numbers increase along the list: binary search.
        int lo = 0, hi = events.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (events[mid].Sequence < sequence)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private void Trim()
    {
        var drop = events.Count - Capacity;
        var oldestKept = events[drop].Sequence;
        events.RemoveRange(0, drop);
        foreach (var id in subjects.Where(s => s.Value.LastSequence < oldestKept).Select(s => s.Key).ToList())
        {
            subjects.Remove(id);
        }
    }

    private HistoryEvent Describe(long sequence, DateTimeOffset time, IPlacementEvent journaled)
    {
        // who: null for "the client whose request this completes".
        HistoryEvent Of(string placementId, string kind, string? host, string? provider, string? detail, string? who = null, long? size = null, HistoryDecision? decision = null)
        {
            if (subjects.TryGetValue(placementId, out var subject))
            {
                subject.LastSequence = sequence;
            }
            return new HistoryEvent(sequence, time, kind, who ?? subject?.Who ?? Unknown, placementId, host ?? subject?.Host, provider ?? subject?.Provider,
                size ?? subject?.SizeBytes, detail, decision);
        }

        switch (journaled)
        {
            case PlacementRequested r:
                var again = subjects.ContainsKey(r.PlacementId);
                subjects[r.PlacementId] = new Subject(r.Host, r.Provider, r.SizeBytes, r.Who ?? Unknown);
                return Of(r.PlacementId, again ? "redecided" : "requested", r.Host, r.Provider,
                    string.Create(CultureInfo.InvariantCulture, $"{r.SizeBytes} bytes for {string.Join(", ", r.Clients)}, mode {r.Mode}{(r.Nvmeof is { } t ? $", nvmeof {t.SubsystemNqn}/{t.NamespaceId}" : string.Empty)}"),
                    decision: new HistoryDecision(r.Provider, r.Mode, r.Clients, r.Closer ?? []));
            case PlacementCommitted c:
                return Of(c.PlacementId, "committed", c.Host, c.Provider, string.Create(CultureInfo.InvariantCulture, $"offset {c.Offset}, length {c.Length}, pool revision {c.PoolRevision}"),
                    size: c.Length);
            case PlacementFailed f:
                return Of(f.PlacementId, "failed", f.Host, f.Provider, f.Retryable ? f.Reason + " (a retry with the same request id is carried out)" : f.Reason);
            case ReleaseRequested r:
                if (subjects.TryGetValue(r.PlacementId, out var releasing))
                {
                    releasing.Releaser = r.Who ?? Unknown;
                }
                return Of(r.PlacementId, "release-requested", r.Host, r.Provider, null, who: r.Who ?? Unknown);
            case PlacementReleased r:
                // Released without a release asked for here: reconciliation finished one the node had freed.
                return Of(r.PlacementId, "released", r.Host, r.Provider, null, who: subjects.GetValueOrDefault(r.PlacementId)?.Releaser ?? Controller);
            case PlacementLost l:
                return Of(l.PlacementId, "lost", l.Host, l.Provider, l.Reason, who: Controller);
            case DrainChanged d:
                return new HistoryEvent(sequence, time, d.Drained ? "drained" : "undrained", d.Who ?? Unknown, null, d.Host, d.Provider, null,
                    d.Provider is null ? $"host {d.Host}" : $"provider {d.Provider} of host {d.Host}", null);
            case HostIdentified h:
                return new HistoryEvent(sequence, time, "host-identified", Controller, null, h.Host, null, null, $"node identity {h.Identity}", null);
            default:
                return new HistoryEvent(sequence, time, journaled.GetType().Name, Unknown, null, null, null, null, null, null);
        }
    }

    /// <summary>Who, for what the controller concluded itself (a buffer lost, a release finished by reconciliation).</summary>
    public const string Controller = "controller";

    /// <summary>Who, for an event journaled before who was recorded, or whose placement's request is no longer held.</summary>
    public const string Unknown = "unknown";
}

/// <summary>A watcher of the history that fell too far behind, or asked to resume from before what is held in one go.</summary>
public sealed class HistoryWatcherTooSlow(long sequence) : Exception($"the watcher fell more than {HistoryLog.WatcherBacklog} events behind at sequence {sequence}: reconnect with Last-Event-ID");

/// <summary>A live subscription to the history: read <see cref="Events"/>, dispose to stop.</summary>
public sealed class HistoryWatch(ChannelReader<HistoryEvent> events, Action stop) : IDisposable
{
    public ChannelReader<HistoryEvent> Events { get; } = events;

    public void Dispose() => stop();
}
