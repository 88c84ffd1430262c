using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Bench;

/// <summary>
/// A large, realistic host: host bridges (one PCI domain each), root ports, switches with nested switches, and
/// multi-function endpoints (NVMe, NICs) below them, up to an exact function count; every n-th NVMe carries a
/// published p2pmem pool. Deterministic, so runs compare.
/// </summary>
public static class SyntheticHost
{
    public static HostTopology Create(int functionCount, int providerCount)
    {
        var functions = new List<PciFunction>(functionCount);
        var numa = new Dictionary<PciBus, int>();
        var domain = 0;
        while (functions.Count < functionCount)
        {
            var bus = 0;
            numa[new PciBus(domain, 0)] = domain % 2;
            functions.Add(new PciFunction { Address = new PciAddress(domain, 0, 0, 0), Vendor = 0x8086, Device = 0x2020, ClassCode = 0x060000, NumaNode = domain % 2 });
            for (var rp = 1; rp < 32 && functions.Count < functionCount && bus < 230; rp++)
            {
                var rootPort = new PciAddress(domain, 0, rp, 0);
                functions.Add(Bridge(rootPort, null, DeviceKind.RootPort, acs: rp % 4 == 0));
                AddSwitch(rootPort, depth: 0);
            }
            domain++;

            void AddSwitch(PciAddress above, int depth)
            {
                var upstream = new PciAddress(domain, ++bus, 0, 0);
                functions.Add(Bridge(upstream, above, DeviceKind.SwitchUpstream, acs: false));
                var downstreamBus = ++bus;
                for (var port = 0; port < 8 && functions.Count < functionCount && bus < 250; port++)
                {
                    var downstream = new PciAddress(domain, downstreamBus, port, 0);
                    functions.Add(Bridge(downstream, upstream, DeviceKind.SwitchDownstream, acs: false));
                    if (depth == 0 && port == 7)
                    {
                        AddSwitch(downstream, depth + 1);
                        continue;
                    }
                    var endpointBus = ++bus;
                    var isNvme = port % 2 == 0;
                    for (var fn = 0; fn < 4 && functions.Count < functionCount; fn++)
                    {
                        functions.Add(new PciFunction
                        {
                            Address = new PciAddress(domain, endpointBus, 0, fn),
                            Parent = downstream,
                            Kind = DeviceKind.Endpoint,
                            KindSource = KindSource.Declared,
                            Vendor = isNvme ? 0x144d : 0x15b3,
                            Device = isNvme ? 0xa808 : 0x101d,
                            ClassCode = isNvme ? 0x010802 : 0x020000,
                            NumaNode = domain % 2,
                            Link = new LinkInfo(16, 4, 16, 4),
                        });
                    }
                }
            }
        }
        // Spread the providers evenly over the NVMe controllers' first functions.
        var nvme = Enumerable.Range(0, functions.Count).Where(i => functions[i].ClassCode == 0x010802 && functions[i].Address.Function == 0).ToList();
        var step = (double)nvme.Count / providerCount;
        for (var k = 0; k < providerCount && k < nvme.Count; k++)
        {
            var i = nvme[(int)(k * step)];
            functions[i] = functions[i] with { P2pMem = new P2pMem(64L << 20, 64L << 20, true) };
        }
        return HostTopology.Build("synthetic", "synthetic", CpuInfo.Intel, functions, numa);
    }

    private static PciFunction Bridge(PciAddress address, PciAddress? parent, DeviceKind kind, bool acs) => new()
    {
        Address = address,
        Parent = parent,
        Kind = kind,
        KindSource = KindSource.Declared,
        Vendor = 0x10b5,
        Device = 0x8747,
        ClassCode = 0x060400,
        AcsRedirect = acs,
        Link = new LinkInfo(16, 16, 16, 16),
    };
}
