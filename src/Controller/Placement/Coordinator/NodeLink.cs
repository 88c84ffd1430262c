using Akka.Actor;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// How the coordinator talks to host agents: asks with the node timeout whose answers (or failures) come back to
/// the coordinator as one message each, and one-way notes. A host that has not registered answers as a failure.
/// </summary>
internal sealed class NodeLink(HostRegistry<IActorRef> hosts, IActorRef coordinator, TimeSpan timeout)
{
    /// <summary>The node's answer to attempt <see cref="Attempt"/> of allocating a placement (a <see cref="Status.Failure"/> if none came).</summary>
    public sealed record Allocated(string PlacementId, int Attempt, object Reply);

    /// <summary>The node's answer to freeing a placement's buffer.</summary>
    public sealed record Freed(string PlacementId, object Reply);

    /// <summary>A fresh snapshot of a host (null when it did not answer), to tell suspects from losses.</summary>
    public sealed record Snapshotted(string Host, IReadOnlyList<string> Suspects, HostSnapshot? Fresh);

    /// <summary>The node's answer about an NVMe-oF namespace, and what the coordinator does with it.</summary>
    public sealed record NamespaceAnswered(object Reply, Action<object> Then);

    public void Allocate(string host, AllocateBuffer request, int attempt)
        => Ask(host, request, reply => new Allocated(request.AllocationId, attempt, reply));

    public void Free(string host, FreeBuffer request) => Ask(host, request, reply => new Freed(request.AllocationId, reply));

    /// <summary>Asks which PCI function backs a namespace; <paramref name="then"/> runs in the coordinator with the answer.</summary>
    public void Resolve(string host, ResolveNamespace request, Action<object> then) => Ask(host, request, reply => new NamespaceAnswered(reply, then));

    /// <summary>Asks which suspects the host holds now, in groups that each fit a remoting message.</summary>
    public void Snapshot(string host, IReadOnlyList<string> suspects)
    {
        foreach (var group in suspects.Chunk(RemotingLimits.AllocationsPerMessage))
        {
            Ask(host, new GetHostSnapshot(group), reply => new Snapshotted(host, group, reply as HostSnapshot));
        }
    }

    /// <summary>A one-way note to a host's agent (frees from reconciliation, nvmet); its answer comes to the coordinator.</summary>
    public void Tell(string host, object message) => hosts.Find(host)?.Agent.Tell(message, coordinator);

    private void Ask(string host, object message, Func<object, object> answer)
    {
        if (hosts.Find(host) is not { } entry)
        {
            coordinator.Tell(answer(new Status.Failure(new InvalidOperationException($"host {host} has not registered"))));
            return;
        }
        entry.Agent.Ask<object>(message, timeout).PipeTo(coordinator, success: answer, failure: e => answer(new Status.Failure(e)));
    }
}
