using Orchestrator.Protocol;

namespace Orchestrator.Topology.Model;

/// <summary>
/// A PCI host bridge, named by its root bus. The kernel's allow-list judges it by the first function on
/// its root bus (lowest devfn), and only when that function is 00.0 or a root port.
/// </summary>
public sealed record HostBridge(PciBus Root, int NumaNode, PciAddress? FirstFunction, int? FirstVendor, int? FirstDevice, bool FirstIsEligible)
{
    public override string ToString() => $"pci{Root}";
}
