namespace Orchestrator.Protocol.Topology;

/// <summary>
/// The topology file schema (YAML or JSON) and the JSON shape of <c>p2pctl topo tree --json</c>.
/// Ids are hex strings (optional <c>0x</c>); kinds are camelCase names (<see cref="DeviceKindNames"/>).
/// Mutable setters because YamlDotNet and System.Text.Json both bind through them.
/// </summary>
public sealed class TopologyDocument
{
    public string? Host { get; set; }
    public CpuDocument? Cpu { get; set; }
    public List<HostBridgeDocument>? HostBridges { get; set; }
    public List<FunctionDocument>? Functions { get; set; }
    public List<DiagnosticDocument>? Diagnostics { get; set; }
}

public sealed class CpuDocument
{
    public string? Vendor { get; set; }
    public int? Family { get; set; }
}

public sealed class HostBridgeDocument
{
    public string? Root { get; set; }
    public int? NumaNode { get; set; }
    public string? FirstFunction { get; set; }
    public string? Vendor { get; set; }
    public string? Device { get; set; }
}

public sealed class FunctionDocument
{
    public string? Address { get; set; }
    public string? Parent { get; set; }
    public string? Kind { get; set; }
    public string? Vendor { get; set; }
    public string? Device { get; set; }
    public string? Class { get; set; }
    public string? SubsystemVendor { get; set; }
    public string? SubsystemDevice { get; set; }
    public string? Revision { get; set; }
    public string? Label { get; set; }
    public int? NumaNode { get; set; }
    public bool? AcsRedirect { get; set; }
    public LinkDocument? Link { get; set; }
    public P2pMemDocument? P2pmem { get; set; }
    public string? Physfn { get; set; }
    public string? Driver { get; set; }
    public string? IommuGroup { get; set; }
}

public sealed class LinkDocument
{
    /// <summary>GT/s.</summary>
    public double? Speed { get; set; }
    public int? Width { get; set; }
    public double? MaxSpeed { get; set; }
    public int? MaxWidth { get; set; }
}

public sealed class P2pMemDocument
{
    public long Size { get; set; }
    public long Available { get; set; }
    public bool Published { get; set; }
}

public sealed class DiagnosticDocument
{
    public string? Source { get; set; }
    public string? Message { get; set; }
}
