using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Files;

/// <summary>Converts between the topology file schema (<see cref="TopologyDocument"/>) and the model, validating every field.</summary>
public static class TopologyDocumentMapper
{
    /// <summary>Builds a topology from a document; every bad value is an error naming the source, the entry and the value.</summary>
    public static HostTopology ToModel(TopologyDocument document, string source, string? defaultHost = null)
    {
        var host = document.Host is { Length: > 0 } h ? h : defaultHost
            ?? throw new TopologyException($"{source}: 'host' is missing");
        var cpu = document.Cpu is null ? CpuInfo.Unknown : new CpuInfo(document.Cpu.Vendor, document.Cpu.Family);

        var numa = new Dictionary<PciBus, int>();
        var bridges = document.HostBridges ?? [];
        for (var i = 0; i < bridges.Count; i++)
        {
            var where = $"{source}: hostBridges[{i}]";
            if (!PciBus.TryParse(bridges[i].Root, out var root, out var error))
            {
                throw new TopologyException($"{where}.root: {error}");
            }
            if (!numa.TryAdd(root, bridges[i].NumaNode ?? -1))
            {
                throw new TopologyException($"{where}.root: duplicate host bridge {root}");
            }
        }

        var functions = new List<PciFunction>();
        var docs = document.Functions ?? [];
        for (var i = 0; i < docs.Count; i++)
        {
            functions.Add(ToFunction(docs[i], $"{source}: functions[{i}]"));
        }
        return HostTopology.Build(source, host, cpu, functions, numa);
    }

    private static PciFunction ToFunction(FunctionDocument d, string where)
    {
        if (!PciAddress.TryParse(d.Address, out var address, out var error))
        {
            throw new TopologyException($"{where}.address: {(d.Address is null ? "missing" : error)}");
        }
        where = $"{where} ({address})";
        var kindSource = KindSource.Unknown;
        var kind = DeviceKind.Endpoint;
        if (d.Kind is not null)
        {
            if (!DeviceKindNames.TryParse(d.Kind, out kind))
            {
                throw new TopologyException($"{where}.kind: '{d.Kind}' is not one of {string.Join(", ", Enum.GetValues<DeviceKind>().Select(k => k.ToWire()))}");
            }
            kindSource = KindSource.Declared;
        }
        var link = d.Link is null ? null : new LinkInfo(
            NonNegative(d.Link.Speed, $"{where}.link.speed"),
            NonNegative(d.Link.Width, $"{where}.link.width"),
            NonNegative(d.Link.MaxSpeed, $"{where}.link.maxSpeed"),
            NonNegative(d.Link.MaxWidth, $"{where}.link.maxWidth"));
        P2pMem? p2pmem = null;
        if (d.P2pmem is { } p)
        {
            if (p.Size < 0 || p.Available < 0 || p.Available > p.Size)
            {
                throw new TopologyException($"{where}.p2pmem: size {p.Size} and available {p.Available} must be ≥ 0 with available ≤ size");
            }
            p2pmem = new P2pMem(p.Size, p.Available, p.Published);
        }
        return new PciFunction
        {
            Address = address,
            Parent = OptionalAddress(d.Parent, $"{where}.parent"),
            Kind = kind,
            KindSource = kindSource,
            Vendor = Hex(d.Vendor, 0xFFFF, $"{where}.vendor"),
            Device = Hex(d.Device, 0xFFFF, $"{where}.device"),
            ClassCode = Hex(d.Class, 0xFFFFFF, $"{where}.class"),
            SubsystemVendor = Hex(d.SubsystemVendor, 0xFFFF, $"{where}.subsystemVendor"),
            SubsystemDevice = Hex(d.SubsystemDevice, 0xFFFF, $"{where}.subsystemDevice"),
            Revision = Hex(d.Revision, 0xFF, $"{where}.revision"),
            Label = d.Label,
            OsNames = d.OsNames is { Count: > 0 } os ? os.Select((n, j) => n is { Length: > 0 } && !n.Contains('/') && !n.Any(char.IsWhiteSpace) ? n
                : throw new TopologyException($"{where}.osNames[{j}]: '{n}' is not a device name (no blanks, no '/')")).ToList() : [],
            LocalCpus = d.LocalCpus,
            NumaNode = d.NumaNode is { } n ? (n >= -1 ? n : throw new TopologyException($"{where}.numaNode: {n} is not a NUMA node (-1 or more)")) : -1,
            AcsRedirect = d.AcsRedirect ?? false,
            Link = link,
            P2pMem = p2pmem,
            PhysFn = OptionalAddress(d.Physfn, $"{where}.physfn"),
            Driver = d.Driver,
            IommuGroup = d.IommuGroup,
        };
    }

    private static PciAddress? OptionalAddress(string? text, string where)
    {
        if (text is null)
        {
            return null;
        }
        return PciAddress.TryParse(text, out var a, out var error) ? a : throw new TopologyException($"{where}: {error}");
    }

    private static int? Hex(string? text, int max, string where)
    {
        if (text is null)
        {
            return null;
        }
        return HexId.TryParse(text, max, out var value) ? value : throw new TopologyException($"{where}: '{text}' is not a hex id ≤ {max:x}");
    }

    private static T? NonNegative<T>(T? value, string where)
        where T : struct, IComparable<T>
        => value is { } v && v.CompareTo(default) < 0 ? throw new TopologyException($"{where}: {v} is negative") : value;

    /// <summary>The document of a topology: what <c>topo tree --json</c> prints and <c>topo export</c> writes.</summary>
    public static TopologyDocument ToDocument(HostTopology topology, bool withDiagnostics)
    {
        return new TopologyDocument
        {
            Host = topology.Host,
            Cpu = new CpuDocument { Vendor = topology.Cpu.Vendor, Family = topology.Cpu.Family },
            HostBridges = topology.HostBridges.Select(b => new HostBridgeDocument { Root = b.Root.ToString(), NumaNode = b.NumaNode }).ToList(),
            Functions = topology.Functions.Select(ToDocument).ToList(),
            Diagnostics = withDiagnostics
                ? topology.Diagnostics.Select(d => new DiagnosticDocument { Source = d.Source, Message = d.Message }).ToList()
                : null,
        };
    }

    private static FunctionDocument ToDocument(PciFunction f) => new()
    {
        Address = f.Address.ToString(),
        Parent = f.Parent?.ToString(),
        Kind = f.Kind.ToWire(),
        Vendor = Hex4(f.Vendor),
        Device = Hex4(f.Device),
        Class = f.ClassCode?.ToString("x6", CultureInfo.InvariantCulture),
        SubsystemVendor = Hex4(f.SubsystemVendor),
        SubsystemDevice = Hex4(f.SubsystemDevice),
        Revision = f.Revision?.ToString("x2", CultureInfo.InvariantCulture),
        Label = f.Label,
        OsNames = f.OsNames.Count == 0 ? null : [.. f.OsNames],
        NumaNode = f.NumaNode,
        LocalCpus = f.LocalCpus,
        AcsRedirect = f.AcsRedirect,
        Link = f.Link is { } l ? new LinkDocument { Speed = l.Speed, Width = l.Width, MaxSpeed = l.MaxSpeed, MaxWidth = l.MaxWidth } : null,
        P2pmem = f.P2pMem is { } p ? new P2pMemDocument { Size = p.Size, Available = p.Available, Published = p.Published } : null,
        Physfn = f.PhysFn?.ToString(),
        Driver = f.Driver,
        IommuGroup = f.IommuGroup,
    };

    private static string? Hex4(int? value) => value?.ToString("x4", CultureInfo.InvariantCulture);
}
