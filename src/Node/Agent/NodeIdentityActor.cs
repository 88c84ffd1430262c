using Akka.Actor;
using Akka.Pattern;
using Akka.Persistence;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Agent;

/// <summary>
/// The node's persistent identity (<c>identity/&lt;host&gt;</c>): a random id journaled once, in the same journal as
/// the pools. It travels with the books it vouches for: a node restarted on its journal keeps it, and another agent
/// that claims the same host name without that journal does not have it.
/// </summary>
public sealed class NodeIdentityActor : ReceivePersistentActor
{
    private readonly string host;
    private string? identity;

    public NodeIdentityActor(string host)
    {
        this.host = host;
        Recover<NodeIdentityAssigned>(e => identity = e.Identity);
        Recover<RecoveryCompleted>(_ =>
        {
            if (identity is null)
            {
                Persist(new NodeIdentityAssigned(host, Guid.NewGuid().ToString("N")), e => identity = e.Identity);
            }
        });
        Command<GetNodeIdentity>(_ => Sender.Tell(new NodeIdentityKnown(identity!)));
    }

    public override string PersistenceId => $"identity/{host}";

    /// <summary>Under a backoff supervisor, as the pools: a journal outage at start delays the identity, it never invents one.</summary>
    public static Props SupervisedProps(string host)
        => BackoffSupervisor.Props(Backoff.OnStop(Props.Create(() => new NodeIdentityActor(host)), "identity",
            TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), 0.2, -1));
}

/// <summary>Local: ask for the node's identity.</summary>
public sealed record GetNodeIdentity
{
    public static readonly GetNodeIdentity Instance = new();
}

/// <summary>Local: the node's identity.</summary>
public sealed record NodeIdentityKnown(string Identity);
