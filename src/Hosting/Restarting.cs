using Akka.Actor;
using Akka.Pattern;

namespace Orchestrator.Hosting;

/// <summary>
/// Persistent actors stop when their journal fails (so that no state is assumed); under this supervisor they start
/// again by themselves, 0.5 s doubling to 10 s, forever, and messages meanwhile go to dead letters.
/// </summary>
public static class Restarting
{
    public static Props WithBackoff(Props child, string childName)
        => BackoffSupervisor.Props(Backoff.OnStop(child, childName, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2, -1));
}
