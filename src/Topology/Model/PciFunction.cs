using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Topology.Model;

/// <summary>Where a function's <see cref="PciFunction.Kind"/> came from.</summary>
public enum KindSource
{
    /// <summary>Not known yet: <see cref="HostTopology.Build"/> infers it from class and position.</summary>
    Unknown,

    /// <summary>The PCIe capability's device/port type in config space.</summary>
    ConfigSpace,

    /// <summary>Stated by a topology file.</summary>
    Declared,

    /// <summary>Inferred from class 0x0604 and position in the tree (ARCHITECTURE §4.1).</summary>
    Inferred,
}

/// <summary>One PCI function of a host, as discovered or declared.</summary>
public sealed record PciFunction
{
    public required PciAddress Address { get; init; }

    /// <summary>The upstream bridge in the tree; null on a root bus.</summary>
    public PciAddress? Parent { get; init; }

    public DeviceKind Kind { get; init; } = DeviceKind.Endpoint;
    public KindSource KindSource { get; init; }

    public int? Vendor { get; init; }
    public int? Device { get; init; }

    /// <summary>24-bit class code (base class, subclass, prog-if).</summary>
    public int? ClassCode { get; init; }

    public int? SubsystemVendor { get; init; }
    public int? SubsystemDevice { get; init; }
    public int? Revision { get; init; }

    /// <summary>NUMA node; -1 when the platform does not say.</summary>
    public int NumaNode { get; init; } = -1;

    /// <summary>ACS control has RR, CR or EC set: the kernel routes peer traffic through the root complex.</summary>
    public bool AcsRedirect { get; init; }

    /// <summary>The raw ACS control register, when the extended capability was readable.</summary>
    public int? AcsControl { get; init; }

    public LinkInfo? Link { get; init; }
    public string? Driver { get; init; }
    public string? IommuGroup { get; init; }

    /// <summary>The physical function, for an SR-IOV virtual function.</summary>
    public PciAddress? PhysFn { get; init; }

    public string? Label { get; init; }

    /// <summary>
    /// The names the OS gave the device, as an operator types them: <c>nvme0</c> (<c>nvme/</c>), <c>eth0</c> (<c>net/</c>,
    /// also under a virtio device), <c>mlx5_0</c> (<c>infiniband/</c>); empty when it has none (a bridge, an unbound device).
    /// </summary>
    public IReadOnlyList<string> OsNames
    {
        get => osNames is null ? [] : osNames.Split(' ');
        // Kept as one string so that the record's equality compares names, not list references; no device name holds a blank.
        init => osNames = value.Count == 0 ? null : string.Join(' ', value);
    }

    private readonly string? osNames;

    /// <summary>The CPUs local to the device (<c>local_cpulist</c>, e.g. <c>0-15,32-47</c>); null when the platform does not say.</summary>
    public string? LocalCpus { get; init; }
    public P2pMem? P2pMem { get; init; }

    /// <summary>True when this function forwards to a secondary bus (class 0x0604 or a bridge kind).</summary>
    public bool IsBridge => Kind.IsBridge();

    public bool HasPublishedP2pMem => P2pMem is { Published: true, Size: > 0 };

    /// <summary>The OS names for a table cell (<c>nvme0</c>, <c>eth0,eth1</c>), or null.</summary>
    public string? OsName => osNames?.Replace(' ', ',');
}

/// <summary>Current and maximum link of a PCIe function; speeds in GT/s, widths in lanes; null when unknown.</summary>
public sealed record LinkInfo(double? Speed, int? Width, double? MaxSpeed, int? MaxWidth)
{
    /// <summary>Raw bandwidth of the current link in GT/s × lanes, or null when unknown.</summary>
    public double? Bandwidth => Speed is { } s && Width is { } w ? s * w : null;
}

/// <summary>The kernel's p2pmem pool of a provider: <c>p2pmem/{size,available,published}</c>.</summary>
public sealed record P2pMem(long Size, long Available, bool Published);
