using Akka.Actor;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Tests.Controller;

/// <summary>The registration of a host with 250,000 buffers, each with a 64-character id, fits the remoting frame in every message.</summary>
public sealed class RegistrationPartsTests : IDisposable
{
    private const long Frame = 16L << 20;
    private readonly ActorSystem system = ActorSystem.Create("parts");

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    [Fact]
    public void Every_message_of_a_250k_buffer_registration_fits_the_frame_and_the_parts_hold_every_buffer()
    {
        var allocations = Enumerable.Range(0, 250_000).Select(i => new AllocationRecord(i.ToString("D64"), i * 4096L, 4096, 4096, 0)).ToList();
        var pool = new PoolStatus("0000:04:00.0", 2L << 30, 1L << 30, 1L << 30, 0, allocations.Count, 2L << 30, 2L << 30, true, false, allocations, Revision: 9);
        var whole = new RegisterHost("storage-01", new TopologyDocument { Host = "storage-01" }, [pool], 7, "node-a", 3);
        var serializer = new ProtocolSerializer((ExtendedActorSystem)system);
        Assert.True(serializer.ToBinary(whole).Length > Frame, "the registration sent whole must not fit, or this test proves nothing");

        var (header, parts) = RegistrationParts.Split(whole);
        Assert.True(serializer.ToBinary(header).Length < Frame);
        Assert.All(parts, p => Assert.True(serializer.ToBinary(p).Length < Frame / 4, $"part {p.Part} is {serializer.ToBinary(p).Length} bytes"));
        Assert.Equal(allocations.Select(a => a.AllocationId), parts.SelectMany(p => p.Allocations).Select(a => a.AllocationId));
        Assert.Equal(Enumerable.Range(0, header.Parts), parts.Select(p => p.Part));
        Assert.All(parts, p => Assert.Equal((whole.Host, whole.Incarnation, whole.Registration), (p.Host, p.Incarnation, p.Registration)));
        Assert.Equal((250_000, 9L), (header.Pools.Single().AllocationCount, header.Pools.Single().Revision));
    }
}
