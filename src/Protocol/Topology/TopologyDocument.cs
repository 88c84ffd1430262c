namespace Orchestrator.Protocol.Topology;

/// <summary>
/// The topology file schema (YAML or JSON) and the JSON shape of <c>p2pctl topo tree --json</c>.
/// Ids are hex strings (optional <c>0x</c>); kinds are camelCase names (<see cref="DeviceKindNames"/>).
/// Init-only setters: YamlDotNet and System.Text.Json both bind through them.
/// </summary>
public sealed record TopologyDocument
{
    public string? Host { get; init; }
    public CpuDocument? Cpu { get; init; }
    public List<HostBridgeDocument>? HostBridges { get; init; }
    public List<FunctionDocument>? Functions { get; init; }
    public List<DiagnosticDocument>? Diagnostics { get; init; }
}

public sealed record CpuDocument
{
    public string? Vendor { get; init; }
    public int? Family { get; init; }
}

public sealed record HostBridgeDocument
{
    public string? Root { get; init; }
    public int? NumaNode { get; init; }
    public string? FirstFunction { get; init; }
    public string? Vendor { get; init; }
    public string? Device { get; init; }
}

public sealed record FunctionDocument
{
    public string? Address { get; init; }
    public string? Parent { get; init; }
    public string? Kind { get; init; }
    public string? Vendor { get; init; }
    public string? Device { get; init; }
    public string? Class { get; init; }
    public string? SubsystemVendor { get; init; }
    public string? SubsystemDevice { get; init; }
    public string? Revision { get; init; }
    public string? Label { get; init; }

    /// <summary>The OS's names for the device (<c>nvme0</c>, <c>eth0</c>, <c>mlx5_0</c>).</summary>
    public List<string>? OsNames { get; init; }
    public int? NumaNode { get; init; }

    /// <summary>The CPUs local to the device, as <c>local_cpulist</c> reads (<c>0-15,32-47</c>).</summary>
    public string? LocalCpus { get; init; }
    public bool? AcsRedirect { get; init; }
    public LinkDocument? Link { get; init; }
    public P2pMemDocument? P2pmem { get; init; }
    public string? Physfn { get; init; }
    public string? Driver { get; init; }
    public string? IommuGroup { get; init; }
}

public sealed record LinkDocument
{
    /// <summary>GT/s.</summary>
    public double? Speed { get; init; }
    public int? Width { get; init; }
    public double? MaxSpeed { get; init; }
    public int? MaxWidth { get; init; }
}

public sealed record P2pMemDocument
{
    public long Size { get; init; }
    public long Available { get; init; }
    public bool Published { get; init; }
}

public sealed record DiagnosticDocument
{
    public string? Source { get; init; }
    public string? Message { get; init; }
}

/// <summary>
/// One change between two readings of a host's tree: <see cref="Kind"/> is <c>added</c>, <c>removed</c>,
/// <c>upstream</c> (moved under another bridge), <c>link</c> (speed or width), <c>acs-redirect</c>, <c>numa</c> or
/// <c>p2pmem</c>, with what it was and what it is (null where there is none).
/// </summary>
public sealed record TopologyChangeDocument
{
    public required string Function { get; init; }

    public required string Kind { get; init; }

    public string? Before { get; init; }

    public string? After { get; init; }

    public override string ToString() => $"{Function}: {Kind} {Before ?? "-"} -> {After ?? "-"}";
}
