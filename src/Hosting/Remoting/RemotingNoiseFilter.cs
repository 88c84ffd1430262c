using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// Keeps a port scanner from flooding the log. Akka's transport logs each connection that is not a member speaking TLS
/// three times, once as an Error with the decoder's exception ("Error caught channel", "TLS handshake failed on
/// channel …"), and once as the Warning "Rejected incoming connection from … due to TLS handshake failure": 750 lines
/// for 300 scanner connections. Only that Warning is kept, once per peer address per minute, with no stack trace. A
/// connection that never starts a handshake is closed by Akka after <c>akka.remote.handshake-timeout</c> (15 s), each
/// with an Error line "Handshake timed out": kept once per minute. And the singleton proxy's warning at start (below).
/// </summary>
public sealed class RemotingNoiseFilter : ILogEventFilter
{
    private readonly LogThrottle throttle = new(TimeSpan.FromMinutes(1));

    private static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    public bool IsEnabled(LogEvent logEvent)
    {
        var template = logEvent.MessageTemplate.Text;
        // A proxy that starts before its singleton warns after its first retry period: at start that is the normal
        // order of things, not a problem (and /readyz says whether the coordinator answers). Later it is kept.
        if (template.StartsWith("ClusterSingletonProxy failed to find an associated singleton", StringComparison.Ordinal)
            && logEvent.Timestamp - Started < TimeSpan.FromMinutes(2))
        {
            return false;
        }
        if (template.StartsWith("Error caught channel", StringComparison.Ordinal) || template.StartsWith("TLS handshake failed on channel", StringComparison.Ordinal))
        {
            return false;
        }
        if (template.StartsWith("No response from remote for inbound association. Handshake timed out", StringComparison.Ordinal))
        {
            return throttle.ShouldLog("inbound handshake timeout", DateTime.UtcNow);
        }
        if (!template.StartsWith("Rejected incoming connection from", StringComparison.Ordinal))
        {
            return true;
        }
        return throttle.ShouldLog(Peer(logEvent), DateTime.UtcNow);
    }

    /// <summary>The peer's address without its port (each connection of a scanner has a port of its own).</summary>
    private static string Peer(LogEvent logEvent)
    {
        var endpoint = logEvent.Properties.Values.FirstOrDefault()?.ToString().Trim('"', '[', ']') ?? string.Empty;
        var colon = endpoint.LastIndexOf(':');
        return colon > 0 ? endpoint[..colon].TrimEnd(']') : endpoint;
    }
}
