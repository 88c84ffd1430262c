namespace Orchestrator.Topology.Sysfs;

/// <summary>
/// Human labels from the class code, since sysfs carries no names: the fallback when the host has no pci.ids
/// (<see cref="PciIds"/>), and the class part of a label even with one. Only the classes that matter on a storage
/// host get a specific name.
/// </summary>
public static class PciClassNames
{
    public static string Describe(int classCode) => Specific(classCode) ?? (classCode >> 16) switch
    {
        0x01 => "Mass storage controller",
        0x02 => "Network controller",
        0x03 => "Display controller",
        0x06 => "Bridge",
        0x0B => "Processor",
        0x0C => "Serial bus controller",
        0x12 => "Processing accelerator",
        _ => $"Class {classCode:x6}",
    };

    /// <summary>The name of a subclass this table knows by itself, or null (then only the base class or the code is known).</summary>
    public static string? Specific(int classCode) => (classCode >> 8) switch
    {
        0x0108 when (classCode & 0xFF) == 0x02 => "NVMe controller",
        0x0108 => "Non-volatile memory controller",
        0x0106 => "SATA controller",
        0x0107 => "SAS controller",
        0x0104 => "RAID controller",
        0x0200 => "Ethernet controller",
        0x0207 => "InfiniBand controller",
        0x0300 => "VGA controller",
        0x0302 => "3D controller",
        0x0500 => "RAM memory",
        0x0580 => "Memory controller",
        0x0600 => "Host bridge",
        0x0601 => "ISA bridge",
        0x0604 => "PCI bridge",
        0x0609 => "PCI bridge (subtractive)",
        0x0880 => "System peripheral",
        0x0C03 => "USB controller",
        0x0C05 => "SMBus",
        0x1200 => "Processing accelerator",
        _ => null,
    };
}
