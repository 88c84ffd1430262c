using System.Globalization;
using System.Text.RegularExpressions;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Reads a host's PCI topology from Linux sysfs (ARCHITECTURE §4.2) under a configurable root: <c>/</c> on a
/// live host, or a captured tree. Every malformed or missing value becomes a diagnostic naming the file and the
/// value; discovery goes on with the rest.
/// </summary>
public sealed partial class SysfsReader
{
    private readonly string root;

    public SysfsReader(string root = "/")
    {
        this.root = Path.GetFullPath(root);
    }

    /// <summary>
    /// One function's <c>p2pmem/{size,available,published}</c> read now, by the rules of a full discovery: the cheap poll
    /// of a node's live pools. Null with no diagnostics: the function or its p2pmem is gone; null with diagnostics: unreadable.
    /// </summary>
    public (P2pMem? P2pMem, IReadOnlyList<TopologyDiagnostic> Diagnostics) ReadP2pMem(PciAddress address)
    {
        var diagnostics = new List<TopologyDiagnostic>();
        var dir = Path.Combine(root, "sys", "bus", "pci", "devices", address.ToString());
        return (new AttributeReader(dir, diagnostics).P2pMem(), diagnostics);
    }

    /// <summary>Reads every function under <c>sys/bus/pci/devices</c>, the CPU from <c>proc/cpuinfo</c>, and builds the tree.</summary>
    public HostTopology Read(string? hostName = null)
    {
        var devicesDir = Path.Combine(root, "sys", "bus", "pci", "devices");
        if (!Directory.Exists(devicesDir))
        {
            throw new TopologyException($"{devicesDir}: no such directory; '{root}' is not a sysfs root (expected sys/bus/pci/devices under it)");
        }
        var entries = Directory.GetFileSystemEntries(devicesDir);
        Array.Sort(entries, StringComparer.Ordinal);
        var results = new (PciFunction? Function, List<TopologyDiagnostic> Diagnostics)[entries.Length];
        var names = PciIds.Find(root);
        Parallel.For(0, entries.Length, i =>
        {
            var diagnostics = new List<TopologyDiagnostic>();
            results[i] = (ReadFunction(entries[i], names, diagnostics), diagnostics);
        });

        var diagnostics = new List<TopologyDiagnostic>();
        var (cpu, cpuDiagnostic) = ReadCpu();
        if (cpuDiagnostic is not null)
        {
            diagnostics.Add(cpuDiagnostic);
        }
        var functions = new List<PciFunction>(entries.Length);
        foreach (var (function, found) in results)
        {
            diagnostics.AddRange(found);
            if (function is not null)
            {
                functions.Add(function);
            }
        }
        functions = DropDangling(functions, diagnostics);
        if (NoP2pMemHint(functions) is { } hint)
        {
            diagnostics.Add(new(devicesDir, hint));
        }
        return HostTopology.Build(devicesDir, hostName ?? DefaultHostName(), cpu, functions, null, diagnostics);
    }

    /// <summary>
    /// NVMe controllers and not one p2pmem directory: a host an operator expected pools on shows none, and the kernel
    /// says nothing in sysfs about why. The usual reasons, as seen on Debian's stock kernel (built without
    /// <c>CONFIG_PCI_P2PDMA</c>; dmesg "failed to register the CMB"), are named, with the kernel config where it is readable.
    /// </summary>
    private string? NoP2pMemHint(List<PciFunction> functions)
    {
        var nvme = functions.Where(f => f.ClassCode is { } c && c >> 8 == 0x0108).Select(f => f.Address.ToString()).ToList();
        if (nvme.Count == 0 || functions.Any(f => f.P2pMem is not null))
        {
            return null;
        }
        var release = SysfsFiles.ReadText(Path.Combine(root, "proc", "sys", "kernel", "osrelease"));
        var config = release is null ? null : Path.Combine(root, "boot", $"config-{release}");
        var configText = config is not null && File.Exists(config) ? File.ReadAllText(config) : null;
        var verdict = configText is null
            ? "if they have a Controller Memory Buffer, this kernel may be built without CONFIG_PCI_P2PDMA (many distribution kernels are; check /boot/config-$(uname -r)), or the driver failed to register it (dmesg: \"failed to register the CMB\")"
            : configText.Contains("CONFIG_PCI_P2PDMA=y", StringComparison.Ordinal)
                ? "P2PDMA is built in (CONFIG_PCI_P2PDMA=y): these controllers have no CMB the driver registered (dmesg: \"failed to register the CMB\")"
                : $"this kernel is built without CONFIG_PCI_P2PDMA ({config}): no device can offer p2pmem";
        return $"no function has p2pmem although NVMe controllers are present ({string.Join(", ", nvme)}): {verdict}";
    }

    private string DefaultHostName()
    {
        if (root == "/")
        {
            return ReadHostname() ?? Environment.MachineName;
        }
        return Path.GetFileName(root.TrimEnd('/')) is { Length: > 0 } name ? name : Environment.MachineName;
    }

    private string? ReadHostname() => SysfsFiles.ReadText(Path.Combine(root, "proc", "sys", "kernel", "hostname"));

    private PciFunction? ReadFunction(string entry, PciIds? names, List<TopologyDiagnostic> diagnostics)
    {
        var name = Path.GetFileName(entry);
        if (!PciAddress.TryParse(name, out var address, out var addressError))
        {
            diagnostics.Add(new(entry, $"skipped: {addressError}"));
            return null;
        }
        var target = SysfsFiles.ReadLink(entry);
        if (target is null)
        {
            diagnostics.Add(new(entry, "skipped: not a link into sys/devices (a live sysfs has a symlink here)"));
            return null;
        }
        var dir = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(entry)!, target));
        if (!TryParseChain(dir, address, out var parent, out var chainError))
        {
            diagnostics.Add(new(entry, $"skipped: {chainError}"));
            return null;
        }

        var reader = new AttributeReader(dir, diagnostics);
        // Checked only when the first attribute is missing: a stat per function is a tenth of discovery time.
        var vendorText = reader.Text("vendor");
        if (vendorText is null && !Directory.Exists(dir))
        {
            diagnostics.Add(new(entry, $"skipped: link target '{target}' does not exist"));
            return null;
        }
        var vendor = reader.Hex("vendor", 0xFFFF, vendorText);
        var classCode = reader.Hex("class", 0xFFFFFF);
        var config = reader.Config();
        DeviceKind kind = DeviceKind.Endpoint;
        var kindSource = KindSource.Unknown;
        if (config.Kind is { } k)
        {
            (kind, kindSource) = (k, KindSource.ConfigSpace);
        }
        else if (config.PcieType is { } t)
        {
            diagnostics.Add(new(Path.Combine(dir, "config"), $"PCIe device/port type {t:x} is not one we map; kind inferred"));
        }

        var device = reader.Hex("device", 0xFFFF);
        var driver = reader.LinkName("driver");
        return new PciFunction
        {
            Address = address,
            Parent = parent,
            Kind = kind,
            KindSource = kindSource,
            Vendor = vendor,
            Device = device,
            ClassCode = classCode,
            // The kernel read these from the same config registers at enumeration (a test holds the captures to it);
            // the attribute files are the fallback when config space is not readable.
            SubsystemVendor = config.SubsystemVendor ?? reader.Hex("subsystem_vendor", 0xFFFF, optional: true),
            SubsystemDevice = config.SubsystemDevice ?? reader.Hex("subsystem_device", 0xFFFF, optional: true),
            Revision = config.Revision ?? reader.Hex("revision", 0xFF, optional: true),
            NumaNode = reader.NumaNode(),
            AcsControl = config.AcsControl,
            AcsRedirect = config.AcsRedirect,
            // Linux shows link attributes for PCIe functions only.
            Link = config.HeaderReadable && config.PcieType is null ? null : reader.Link(),
            Driver = driver,
            IommuGroup = reader.LinkName("iommu_group"),
            PhysFn = reader.PhysFn(),
            Label = names?.Label(vendor, device, classCode) ?? (classCode is { } c ? PciClassNames.Describe(c) : null),
            OsNames = reader.OsNames(driver),
            LocalCpus = reader.CpuList("local_cpulist"),
            P2pMem = reader.P2pMem(),
        };
    }

    /// <summary>
    /// The resolved path names the host bridge (<c>pciDDDD:BB</c>) and every upstream bridge; the segment before
    /// the function's own is its parent. Platform segments before the host bridge (ACPI, VMD) are skipped.
    /// </summary>
    private static bool TryParseChain(string dir, PciAddress address, out PciAddress? parent, out string? error)
    {
        parent = null;
        var segments = dir.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var hostBridge = Array.FindLastIndex(segments, s => HostBridgeSegment().IsMatch(s));
        if (hostBridge < 0)
        {
            error = $"resolved path '{dir}' has no host bridge segment (pciDDDD:BB)";
            return false;
        }
        if (segments[^1] != address.ToString())
        {
            error = $"resolved path '{dir}' does not end in {address}";
            return false;
        }
        for (var i = segments.Length - 2; i > hostBridge; i--)
        {
            if (PciAddress.TryParse(segments[i], out var p))
            {
                parent = p;
                break;
            }
        }
        error = null;
        return true;
    }

    private static List<PciFunction> DropDangling(List<PciFunction> functions, List<TopologyDiagnostic> diagnostics)
    {
        // A function whose parent or PF was skipped cannot be placed; drop it (and what hangs below it) with a reason.
        var known = functions.Select(f => f.Address).ToHashSet();
        bool changed;
        do
        {
            changed = false;
            foreach (var f in functions.ToList())
            {
                var missing = f.Parent is { } p && !known.Contains(p) ? p : f.PhysFn is { } pf && !known.Contains(pf) ? pf : (PciAddress?)null;
                if (missing is { } m)
                {
                    diagnostics.Add(new(f.Address.ToString(), $"skipped: its upstream bridge or physical function {m} was not read"));
                    functions.Remove(f);
                    known.Remove(f.Address);
                    changed = true;
                }
            }
        }
        while (changed);
        return functions;
    }

    private (CpuInfo Cpu, TopologyDiagnostic? Diagnostic) ReadCpu()
    {
        var path = Path.Combine(root, "proc", "cpuinfo");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return (CpuInfo.Unknown, new(path, "not readable; CPU unknown, treated as not AMD Zen"));
        }
        return CpuInfoParser.Parse(path, text);
    }

    [GeneratedRegex("^pci[0-9a-fA-F]{4}:[0-9a-fA-F]{2}$")]
    private static partial Regex HostBridgeSegment();

    [GeneratedRegex("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$")]
    private static partial Regex CpuListPattern();

    private static readonly string[] OsNameDirectories = ["nvme", "net", "infiniband"];

    /// <summary>Reads one function's attributes, turning every problem into a diagnostic.</summary>
    private sealed class AttributeReader(string dir, List<TopologyDiagnostic> diagnostics)
    {
        public string? Text(string attribute) => SysfsFiles.ReadText(Path.Combine(dir, attribute));

        public string? LinkName(string attribute) => SysfsFiles.ReadLinkName(Path.Combine(dir, attribute));

        public int? Hex(string attribute, int max, bool optional = false) => Hex(attribute, max, Text(attribute), optional);

        public int? Hex(string attribute, int max, string? text, bool optional = false)
        {
            var path = Path.Combine(dir, attribute);
            if (text is null)
            {
                if (!optional)
                {
                    diagnostics.Add(new(path, "missing or unreadable"));
                }
                return null;
            }
            if (!HexId.TryParse(text, max, out var value))
            {
                diagnostics.Add(new(path, $"'{Printable(text)}' is not a hex value ≤ 0x{max:x}"));
                return null;
            }
            return value;
        }

        public int NumaNode()
        {
            var path = Path.Combine(dir, "numa_node");
            var text = Text("numa_node");
            if (text is null)
            {
                return -1;
            }
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var node) || node < -1)
            {
                diagnostics.Add(new(path, $"'{Printable(text)}' is not a NUMA node; treated as unknown (-1)"));
                return -1;
            }
            return node;
        }

        /// <summary>
        /// The class devices the drivers registered under the function: nvme, net and infiniband, and net under the
        /// virtio device a virtio-pci function carries. Only what a driver bound shows up; an unbound device has none.
        /// </summary>
        public IReadOnlyList<string> OsNames(string? driver)
        {
            var names = new List<string>();
            foreach (var sub in OsNameDirectories)
            {
                Children(Path.Combine(dir, sub), names);
            }
            if (driver == "virtio-pci")
            {
                foreach (var virtio in Entries(dir, "virtio*"))
                {
                    Children(Path.Combine(virtio, "net"), names);
                }
            }
            return names.Count == 0 ? [] : names;
        }

        private static void Children(string path, List<string> names)
        {
            if (Directory.Exists(path))
            {
                names.AddRange(Entries(path, "*").Select(Path.GetFileName).OfType<string>());
            }
        }

        /// <summary>Sorted; empty when the directory went away meanwhile (a device unplugged while it is read).</summary>
        private static string[] Entries(string path, string pattern)
        {
            try
            {
                var entries = Directory.GetFileSystemEntries(path, pattern);
                Array.Sort(entries, StringComparer.Ordinal);
                return entries;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return [];
            }
        }

        /// <summary>A cpulist (<c>0-15,32-47</c>) as the kernel prints it; null when absent, a diagnostic when it is not one.</summary>
        public string? CpuList(string attribute)
        {
            var text = Text(attribute);
            if (text is null)
            {
                return null;
            }
            if (!CpuListPattern().IsMatch(text))
            {
                diagnostics.Add(new(Path.Combine(dir, attribute), $"'{Printable(text)}' is not a CPU list (e.g. 0-15,32-47); CPU affinity unknown"));
                return null;
            }
            return text;
        }

        public LinkInfo? Link()
        {
            var speed = Speed("current_link_speed");
            var width = Width("current_link_width");
            var maxSpeed = Speed("max_link_speed");
            var maxWidth = Width("max_link_width");
            return speed is null && width is null && maxSpeed is null && maxWidth is null ? null : new LinkInfo(speed, width, maxSpeed, maxWidth);
        }

        private double? Speed(string attribute)
        {
            var path = Path.Combine(dir, attribute);
            var text = Text(attribute);
            if (text is null || text.StartsWith("Unknown", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
            var number = text.Split(' ', 2)[0];
            if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var gts) || !text.Contains("GT/s", StringComparison.Ordinal))
            {
                diagnostics.Add(new(path, $"'{Printable(text)}' is not a link speed (expected e.g. '16.0 GT/s PCIe' or 'Unknown')"));
                return null;
            }
            return gts > 0 ? gts : null;
        }

        private int? Width(string attribute)
        {
            var path = Path.Combine(dir, attribute);
            var text = Text(attribute);
            if (text is null)
            {
                return null;
            }
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var width))
            {
                diagnostics.Add(new(path, $"'{Printable(text)}' is not a link width"));
                return null;
            }
            return width > 0 ? width : null;
        }

        public PciConfigSpace Config()
        {
            var path = Path.Combine(dir, "config");
            // 4097: a full 4 KiB comes back as a short read, sparing the read that returns 0.
            var read = SysfsFiles.ReadBytes(path, 4097, bytes => (Config: PciConfigSpace.Parse(bytes), bytes.Length));
            if (read is not { } r)
            {
                diagnostics.Add(new(path, "missing or unreadable; kind inferred, ACS unknown (assumed off)"));
                return default;
            }
            if (!r.Config.HeaderReadable)
            {
                diagnostics.Add(new(path, $"only {r.Length} bytes, too short for a config header; kind inferred, ACS unknown (assumed off)"));
            }
            else if (r.Length <= 64)
            {
                diagnostics.Add(new(path, "only 64 bytes readable (not root?); kind inferred, ACS unknown (assumed off)"));
            }
            return r.Config;
        }

        public PciAddress? PhysFn()
        {
            var path = Path.Combine(dir, "physfn");
            var name = LinkName("physfn");
            if (name is null)
            {
                return null;
            }
            if (!PciAddress.TryParse(name, out var pf, out var error))
            {
                diagnostics.Add(new(path, $"ignored: {error}"));
                return null;
            }
            return pf;
        }

        /// <summary><c>p2pmem/size</c> 0 means the kernel registered an empty pool: keep it, with size 0.</summary>
        public P2pMem? P2pMem()
        {
            var pdir = Path.Combine(dir, "p2pmem");
            var sizeText = SysfsFiles.ReadText(Path.Combine(pdir, "size"));
            if (sizeText is null && !Directory.Exists(pdir))
            {
                return null;
            }
            var size = Decimal(Path.Combine(pdir, "size"), sizeText);
            var available = Decimal(Path.Combine(pdir, "available"));
            var publishedPath = Path.Combine(pdir, "published");
            var publishedText = SysfsFiles.ReadText(publishedPath);
            bool? published = publishedText switch
            {
                "1" => true,
                "0" => false,
                null => null,
                _ => null,
            };
            if (published is null)
            {
                diagnostics.Add(new(publishedPath, publishedText is null ? "missing or unreadable; pool ignored" : $"'{Printable(publishedText)}' is not 0 or 1; pool ignored"));
            }
            if (size is null || available is null || published is null)
            {
                return null;
            }
            if (available > size)
            {
                diagnostics.Add(new(Path.Combine(pdir, "available"), $"{available} is more than size {size}; pool ignored"));
                return null;
            }
            return new P2pMem(size.Value, available.Value, published.Value);
        }

        private long? Decimal(string path, string? text = null)
        {
            text ??= SysfsFiles.ReadText(path);
            if (text is null)
            {
                diagnostics.Add(new(path, "missing or unreadable; pool ignored"));
                return null;
            }
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                diagnostics.Add(new(path, $"'{Printable(text)}' is not a byte count; pool ignored"));
                return null;
            }
            return value;
        }

        private static string Printable(string text)
        {
            var clipped = text.Length > 40 ? text[..40] + "…" : text;
            return new string(clipped.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        }
    }
}
