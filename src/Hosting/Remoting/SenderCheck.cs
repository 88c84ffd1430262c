using Akka.Actor;
using Akka.Cluster;
using Orchestrator.Protocol;

namespace Orchestrator.Hosting.Remoting;

/// <summary>
/// Who may send what across remoting (issue 12): a node takes <see cref="IControllerRequest"/>s only from a member with
/// role <c>controller</c>, the coordinator takes <see cref="INodeReport"/>s only from a member with role <c>node</c> and
/// <see cref="IControllerRequest"/>s only from a controller (its REST bridge, or another controller's); a program that
/// opened remoting without joining the cluster is refused whatever it sends, and so is a request without a sender
/// (the way a stranger hides where it comes from). Senders in this process pass: the all-in-one mode and the actors'
/// own replies. TLS (<see cref="ClusterAuthority"/>) decides who may connect at all; this decides what a connected
/// peer may ask. A standalone node (no cluster) has no roles to check: it binds loopback.
/// </summary>
public static class SenderCheck
{
    private static readonly LogThrottle Throttle = new(TimeSpan.FromMinutes(1));

    /// <summary>Why the message must be dropped, or null when it may be handled.</summary>
    public static string? Refusal(object message, IActorRef sender, ActorSystem system, Akka.Cluster.Cluster? cluster)
    {
        if (message is not (IControllerRequest or INodeReport))
        {
            return null;
        }
        var name = message.GetType().Name;
        if (sender.IsNobody() || sender.Equals(system.DeadLetters))
        {
            return $"{name} without a sender: refused (a member always says who asks)";
        }
        var address = sender.Path.Address;
        if (address.HasLocalScope || cluster is null || address == cluster.SelfAddress)
        {
            return null;
        }
        var role = message is IControllerRequest ? ClusterNames.ControllerRole : ClusterNames.NodeRole;
        var member = cluster.State.Members.FirstOrDefault(m => m.Address == address);
        if (member is null || member.Status is MemberStatus.Down or MemberStatus.Removed)
        {
            return $"{name} from {address}: refused, not a member of this cluster";
        }
        return member.HasRole(role) ? null : $"{name} from {address}: refused, only a member with role {role} may send it";
    }

    /// <summary>Whether to log a refusal of this sender now: once per sender per minute, so a stranger cannot flood the log.</summary>
    public static bool ShouldLog(IActorRef sender, DateTime now) => Throttle.ShouldLog(sender.Path.Address.ToString(), now);
}
