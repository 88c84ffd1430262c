using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// Who may send what over remoting (issue 12), on a cluster over real remoting: a member with role <c>node</c> cannot
/// free another node's buffer, place, or query the coordinator; a program that opens remoting to the cluster without
/// joining it cannot free, allocate, register or place. Nothing changes, and each refusal is logged.
/// </summary>
public sealed class SenderCheckTests(ITestOutputHelper output)
{
    private const string HostA = "storage-01";
    private const string HostB = "storage-02";
    private const long MiB = 1 << 20;
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Nodes_and_strangers_cannot_free_allocate_register_or_place()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(HostA);
        await cluster.StartNodeAsync(HostB);
        await cluster.WaitForHostsAsync(HostA, HostB);
        var victim = Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("victim", HostA, ["0000:03:00.0"], 16 * MiB))).Placement;
        var agentAPath = $"{Akka.Cluster.Cluster.Get(cluster.NodeSystem(HostA)).SelfAddress}/user/{Node.Hosting.NodeHost.AgentName}";

        // A member with role node: it may not act for the controller.
        var nodeB = cluster.NodeSystem(HostB);
        var fromNodeB = await nodeB.ActorSelection(agentAPath).ResolveOne(TimeSpan.FromSeconds(5));
        await Refused(() => fromNodeB.Ask<object>(new FreeBuffer(victim.Provider, victim.PlacementId), NoAnswer));
        await Refused(() => cluster.CoordinatorFrom(HostB).Ask<object>(new GetHosts(), NoAnswer));
        await Refused(() => cluster.CoordinatorFrom(HostB).Ask<object>(new PlaceBuffer("from-a-node", HostA, ["0000:03:00.0"], MiB), NoAnswer));

        // A stranger: remoting to the cluster without joining it, with our serializer (it speaks the protocol).
        using var stranger = ActorSystem.Create("orchestrator", ConfigurationFactory.ParseString($$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.actor.serializers.protocol = "{{typeof(ProtocolSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(Protocol.IProtocolMessage).AssemblyQualifiedName}}" = protocol }
            """));
        var fromStranger = await stranger.ActorSelection(agentAPath).ResolveOne(TimeSpan.FromSeconds(5));
        await Refused(() => fromStranger.Ask<object>(new FreeBuffer(victim.Provider, victim.PlacementId), NoAnswer));
        await Refused(() => fromStranger.Ask<object>(new AllocateBuffer(victim.Provider, "stolen", 64 * MiB), NoAnswer));
        await Refused(() => fromStranger.Ask<object>(new GetHostSnapshot(), NoAnswer));
        fromStranger.Tell(new FreeBuffer(victim.Provider, victim.PlacementId));  // no sender at all: the way to hide one
        var coordinatorPath = cluster.Seed + "/user/" + Protocol.ClusterNames.CoordinatorSingleton + "/" + Protocol.ClusterNames.CoordinatorSingleton;
        var coordinator = stranger.ActorSelection(coordinatorPath);
        coordinator.Tell(new RegisterHost(HostA, new Protocol.Topology.TopologyDocument { Host = HostA }, [], long.MaxValue / 2, "stranger"));
        await Refused(() => coordinator.Ask<object>(new PlaceBuffer("from-a-stranger", HostA, ["0000:03:00.0"], MiB), NoAnswer));

        await Task.Delay(TimeSpan.FromSeconds(2));
        var now = Assert.IsType<PlacementFound>(await cluster.Ask(new GetPlacement("victim"))).Placement;
        Assert.Equal((PlacementState.Committed, victim.Offset), (now.State, now.Offset));
        var held = await cluster.HeldOn(HostA);
        Assert.Equal(["victim"], held.Keys);
        Assert.Equal(victim.Offset, held["victim"].Record.Offset);
        Assert.Equal(PlacementErrorKind.UnknownPlacement, Assert.IsType<PlacementRejected>(await cluster.Ask(new GetPlacement("from-a-node"))).Kind);
        Assert.Equal(PlacementErrorKind.UnknownPlacement, Assert.IsType<PlacementRejected>(await cluster.Ask(new GetPlacement("from-a-stranger"))).Kind);
        var host = (await cluster.Ask<HostList>(new GetHosts())).Hosts.Single(h => h.Host == HostA);
        Assert.NotEqual("stranger", host.Identity);
        Assert.Null(host.Conflict);
    }

    private async Task Refused(Func<Task<object>> attack)
    {
        var e = await Assert.ThrowsAsync<AskTimeoutException>(attack);
        output.WriteLine($"refused: {e.Message}");
    }
}
