using System.Collections.Concurrent;
using System.Globalization;

namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Vendor, device and class names from a host's <c>pci.ids</c> (the database lspci prints from; pciutils' format:
/// <c>vvvv  Vendor</c>, <c>\tdddd  Device</c>, <c>\t\tssss ssss  Subsystem</c>, then <c>C cc  Class</c>,
/// <c>\tss  Subclass</c>, <c>\t\tpp  Prog-if</c>). No NuGet package reads this format; it is small enough to parse
/// here. Lines it does not understand are skipped, as lspci skips them: a damaged file costs names, never discovery.
/// </summary>
public sealed class PciIds
{
    /// <summary>Where Debian/Ubuntu (pci.ids package) and Fedora/RHEL (hwdata) install it, under a sysfs root.</summary>
    public static readonly IReadOnlyList<string> Locations = ["usr/share/misc/pci.ids", "usr/share/hwdata/pci.ids"];

    private static readonly ConcurrentDictionary<string, (DateTime Written, long Length, PciIds Ids)> Cache = new(StringComparer.Ordinal);

    private readonly Dictionary<int, string> vendors = [];
    private readonly Dictionary<int, string> devices = [];
    private readonly Dictionary<int, string> classes = [];

    /// <summary>The file this was read from.</summary>
    public string Source { get; }

    private PciIds(string source) => Source = source;

    /// <summary>The first <see cref="Locations"/> under <paramref name="root"/> that exists, parsed once per file version; null when the host has none.</summary>
    public static PciIds? Find(string root)
    {
        foreach (var location in Locations)
        {
            var path = Path.Combine(root, location);
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                continue;
            }
            try
            {
                if (Cache.TryGetValue(path, out var known) && known.Written == file.LastWriteTimeUtc && known.Length == file.Length)
                {
                    return known.Ids;
                }
                var ids = Parse(path, File.ReadLines(path));
                Cache[path] = (file.LastWriteTimeUtc, file.Length, ids);
                return ids;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
        }
        return null;
    }

    public static PciIds Parse(string source, IEnumerable<string> lines)
    {
        var ids = new PciIds(source);
        int? vendor = null;
        int? baseClass = null;
        foreach (var line in lines)
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var depth = line[0] == '\t' ? (line.Length > 1 && line[1] == '\t' ? 2 : 1) : 0;
            var text = line.AsSpan(depth);
            if (depth == 0)
            {
                (vendor, baseClass) = (null, null);
                if (text.StartsWith("C ") && Entry(text[2..], 2) is { } cls)
                {
                    baseClass = cls.Id;
                    ids.classes[cls.Id << 16 | 0xFFFF] = cls.Name;
                }
                else if (Entry(text, 4) is { } v)
                {
                    vendor = v.Id;
                    ids.vendors[v.Id] = v.Name;
                }
                continue;
            }
            if (depth == 1 && vendor is { } vv && Entry(text, 4) is { } d)
            {
                ids.devices[vv << 16 | d.Id] = d.Name;
            }
            else if (depth == 1 && baseClass is { } bc && Entry(text, 2) is { } sub)
            {
                ids.classes[bc << 16 | sub.Id << 8 | 0xFF] = sub.Name;
            }
        }
        return ids;
    }

    /// <summary><c>hhhh  Name</c>: an id of exactly <paramref name="digits"/> hex digits, two spaces, a name.</summary>
    private static (int Id, string Name)? Entry(ReadOnlySpan<char> text, int digits)
    {
        if (text.Length < digits + 2 || text[digits] != ' '
            || !int.TryParse(text[..digits], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }
        var name = text[digits..].Trim();
        return name.Length == 0 ? null : (id, name.ToString());
    }

    public string? Vendor(int vendor) => vendors.GetValueOrDefault(vendor);

    public string? Device(int vendor, int device) => devices.GetValueOrDefault(vendor << 16 | device);

    /// <summary>The subclass's name, else the base class's.</summary>
    public string? Class(int classCode)
        => classes.GetValueOrDefault(classCode & 0xFFFF00 | 0xFF) ?? classes.GetValueOrDefault(classCode & 0xFF0000 | 0xFFFF);

    /// <summary>
    /// A function's label as lspci prints it after the address: the class, then vendor and device
    /// (<c>NVMe controller: Red Hat, Inc. QEMU NVM Express Controller</c>). Our class table goes first where it has a
    /// specific name (it tells NVMe apart); pci.ids names a class it lacks. Null when pci.ids knows neither vendor nor device.
    /// </summary>
    public string? Label(int? vendor, int? device, int? classCode)
    {
        var vendorName = vendor is { } v ? Vendor(v) : null;
        var deviceName = vendor is { } vd && device is { } d ? Device(vd, d) : null;
        if (vendorName is null && deviceName is null)
        {
            return null;
        }
        var className = classCode is { } c ? PciClassNames.Specific(c) ?? Class(c) ?? PciClassNames.Describe(c) : null;
        var product = deviceName is null ? $"{vendorName} Device {device:x4}" : vendorName is null ? deviceName : $"{vendorName} {deviceName}";
        return className is null ? product : $"{className}: {product}";
    }
}
