using Akka.Actor;
using Akka.Persistence;
using Orchestrator.Protocol;

namespace Orchestrator.Hosting;

/// <summary>
/// An identity assigned once in a journal and read back ever after (<c>identity/&lt;host&gt;</c> for a node,
/// <c>journal-identity</c> for the controllers' journal). It travels with the books of that journal: a process
/// restarted on it keeps the identity, one on another journal (or on an emptied one) gets a new one.
/// </summary>
public sealed class IdentityKeeper : ReceivePersistentActor
{
    private readonly string persistenceId;
    private string? identity;

    public IdentityKeeper(string persistenceId)
    {
        this.persistenceId = persistenceId;
        Recover<IdentityAssigned>(e => identity = e.Identity);
        Recover<RecoveryCompleted>(_ =>
        {
            if (identity is null)
            {
                Persist(new IdentityAssigned(persistenceId, Guid.NewGuid().ToString("N")), e => identity = e.Identity);
            }
        });
        Command<GetIdentity>(_ => Sender.Tell(new IdentityKnown(identity!)));
    }

    public override string PersistenceId => persistenceId;

    /// <summary>Under a backoff supervisor: a journal outage at start delays the identity, it never invents one.</summary>
    public static Props SupervisedProps(string persistenceId) => Restarting.WithBackoff(Props.Create(() => new IdentityKeeper(persistenceId)), "keeper");
}

/// <summary>Local: ask an <see cref="IdentityKeeper"/> for its identity.</summary>
public sealed record GetIdentity
{
    public static readonly GetIdentity Instance = new();
}

/// <summary>Local: the identity an <see cref="IdentityKeeper"/> holds.</summary>
public sealed record IdentityKnown(string Identity);
