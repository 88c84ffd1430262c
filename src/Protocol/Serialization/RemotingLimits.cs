namespace Orchestrator.Protocol.Serialization;

/// <summary>
/// Wire limits every process applies. A registration carries a host's topology and every allocation, and a host
/// list carries every pool; Akka.Remote's default 128 KB frame silently drops anything larger (the receiver never
/// sees it, so a big host would never reconcile). 16 MiB holds a host with tens of thousands of buffers.
/// </summary>
public static class RemotingLimits
{
    public const string Hocon = """
        akka.remote.dot-netty.tcp {
          maximum-frame-size = 16MiB
          send-buffer-size = 32MiB
          receive-buffer-size = 32MiB
        }
        """;
}
