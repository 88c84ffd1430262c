using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Tests.Model;

public class HostTopologyTests
{
    private static PciFunction F(string address, string? parent = null, int? classCode = null)
        => new() { Address = PciAddress.Parse(address), Parent = parent is null ? null : PciAddress.Parse(parent), ClassCode = classCode };

    [Fact]
    public void Infers_kinds_from_class_and_position()
    {
        var t = HostTopology.Build("t", "h", CpuInfo.Unknown, [
            F("00:01.0", classCode: 0x060400),
            F("01:00.0", "00:01.0", 0x060400),
            F("02:00.0", "01:00.0", 0x060400),
            F("03:00.0", "02:00.0", 0x060400),
            F("04:00.0", "03:00.0", 0x060400),
            F("05:00.0", "04:00.0", 0x010802),
            F("00:1f.0", classCode: 0x060100),
        ]);
        Assert.Equal(
            [DeviceKind.RootPort, DeviceKind.Endpoint, DeviceKind.SwitchUpstream, DeviceKind.SwitchDownstream, DeviceKind.SwitchUpstream, DeviceKind.SwitchDownstream, DeviceKind.Endpoint],
            t.Functions.Select(f => f.Kind));
        Assert.All(t.Functions, f => Assert.Equal(KindSource.Inferred, f.KindSource));
    }

    [Fact]
    public void Rejects_a_duplicate_address()
    {
        var e = Assert.Throws<TopologyException>(() => HostTopology.Build("file.yaml", "h", CpuInfo.Unknown, [F("00:01.0"), F("0000:00:01.0")]));
        Assert.Equal("file.yaml: duplicate address 0000:00:01.0", e.Message);
    }

    [Fact]
    public void Rejects_an_unknown_parent()
    {
        var e = Assert.Throws<TopologyException>(() => HostTopology.Build("file.yaml", "h", CpuInfo.Unknown, [F("01:00.0", "00:09.0")]));
        Assert.Equal("file.yaml: 0000:01:00.0 names parent 0000:00:09.0, which is not in the topology", e.Message);
    }

    [Fact]
    public void Rejects_a_cycle_naming_it()
    {
        var e = Assert.Throws<TopologyException>(() => HostTopology.Build("file.yaml", "h", CpuInfo.Unknown, [F("01:00.0", "02:00.0"), F("02:00.0", "01:00.0"), F("00:01.0")]));
        Assert.Contains("parent cycle", e.Message, StringComparison.Ordinal);
        Assert.Contains("0000:01:00.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("0000:02:00.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_an_unknown_physical_function()
    {
        var vf = F("01:00.2", "00:01.0") with { PhysFn = PciAddress.Parse("01:00.0") };
        var e = Assert.Throws<TopologyException>(() => HostTopology.Build("f", "h", CpuInfo.Unknown, [F("00:01.0"), vf]));
        Assert.Contains("physical function 0000:01:00.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Functions_without_a_numa_node_take_their_host_bridge_node()
    {
        var t = HostTopology.Build("t", "h", CpuInfo.Unknown, [F("80:01.0"), F("81:00.0", "80:01.0")], new Dictionary<PciBus, int> { [new PciBus(0, 0x80)] = 1 });
        Assert.All(t.Functions, f => Assert.Equal(1, f.NumaNode));
        Assert.Equal(1, t.HostBridges.Single().NumaNode);
    }
}
