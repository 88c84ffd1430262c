using Orchestrator.Topology.Model;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Node.Agent;

/// <summary>
/// Where a host agent discovers its topology: a sysfs root (the real host, or a capture) or a topology file (which wins).
/// The sysfs root is also where the node resolves nvmet namespaces' block devices to PCI functions, file or not.
/// </summary>
public sealed record TopologySource(string? SysfsRoot, string? TopologyFile, string? HostName)
{
    public string Describe => TopologyFile is not null ? $"topology file {TopologyFile}" : $"sysfs under {SysfsRoot ?? "/"}";

    /// <summary>Reads the topology now; a <see cref="TopologyException"/> names what was wrong.</summary>
    public HostTopology Discover()
    {
        var topology = TopologyFile is not null
            ? Orchestrator.Topology.Files.TopologyFile.Read(TopologyFile)
            : new SysfsReader(SysfsRoot ?? "/").Read(HostName);
        return HostName is not null && topology.Host != HostName ? Rename(topology, HostName) : topology;
    }

    private static HostTopology Rename(HostTopology t, string host)
        => HostTopology.Build(host, host, t.Cpu, t.Functions, t.HostBridges.ToDictionary(b => b.Root, b => b.NumaNode), t.Diagnostics);
}
