using System.Globalization;

namespace Orchestrator.Tests.Shared;

/// <summary>
/// The kernel's nvmet configfs and the sysfs block-device links as plain files and symlinks, in their real layout:
/// what the node reads to apply placements and to resolve a namespace's PCI function.
/// </summary>
public static class FakeNvmet
{
    /// <summary>A namespace directory with <c>enable</c>, <c>p2pmem</c> (0) and <c>device_path</c> (none when null).</summary>
    public static string Namespace(string configfs, string nqn, int id, string? devicePath, bool enabled = false)
    {
        var ns = Path.Combine(configfs, "nvmet", "subsystems", nqn, "namespaces", id.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(ns);
        File.WriteAllText(Path.Combine(ns, "enable"), enabled ? "1\n" : "0\n");
        File.WriteAllText(Path.Combine(ns, "p2pmem"), "0\n");
        File.WriteAllText(Path.Combine(ns, "device_path"), devicePath is null ? "\n" : devicePath + "\n");
        return ns;
    }

    /// <summary>
    /// <c>&lt;root&gt;/sys/class/block/&lt;name&gt;</c> as the kernel links it: under the PCI function's <c>nvme/nvme0</c>,
    /// or under <c>devices/virtual/block</c> without one; the function's <c>driver</c> link too, unless it has one.
    /// </summary>
    public static void BlockDevice(string sysfsRoot, string name, string? function, string driver = "nvme")
    {
        var classBlock = Path.Combine(sysfsRoot, "sys", "class", "block");
        Directory.CreateDirectory(classBlock);
        var target = function is null ? $"../../devices/virtual/block/{name}" : $"../../devices/pci0000:00/0000:00:01.0/{function}/nvme/nvme0/{name}";
        File.CreateSymbolicLink(Path.Combine(classBlock, name), target);
        if (function is null)
        {
            return;
        }
        var pci = Path.Combine(sysfsRoot, "sys", "bus", "pci", "devices", function);
        Directory.CreateDirectory(pci);
        var link = Path.Combine(pci, "driver");
        if (!File.Exists(link) && new FileInfo(link).LinkTarget is null)
        {
            File.CreateSymbolicLink(link, $"../../../../bus/pci/drivers/{driver}");
        }
    }
}
