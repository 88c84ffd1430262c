using System.Collections.Concurrent;

namespace Orchestrator.Hosting.Remoting;

/// <summary>At most one log line per key (a peer) per interval: refusals of a scanner or a stranger must not flood the log.</summary>
public sealed class LogThrottle(TimeSpan every)
{
    private readonly ConcurrentDictionary<string, DateTime> last = new(StringComparer.Ordinal);

    public bool ShouldLog(string key, DateTime now)
    {
        var before = last.GetOrAdd(key, DateTime.MinValue);
        return now - before >= every && last.TryUpdate(key, now, before);
    }
}
