namespace Orchestrator.Protocol.Serialization;

/// <summary>
/// Wire limits every process applies. A registration carries a host's topology and every allocation, and a host
/// list carries every pool; Akka.Remote's default 128 KB frame silently drops anything larger (the receiver never
/// sees it, so a big host would never reconcile). 16 MiB holds tens of thousands of buffers, not every host's: what
/// lists allocations sends at most <see cref="AllocationsPerMessage"/> in one message.
/// </summary>
public static class RemotingLimits
{
    /// <summary>
    /// Allocations listed in one remoting message. An allocation is at most about 250 bytes of JSON (a 64-character
    /// id and four numbers), so 10,000 stay below 2.5 MiB: far under the frame, small enough not to stall the link.
    /// </summary>
    public const int AllocationsPerMessage = 10_000;

    public const string Hocon = """
        akka.remote.dot-netty.tcp {
          maximum-frame-size = 16MiB
          send-buffer-size = 32MiB
          receive-buffer-size = 32MiB
        }
        """;
}
