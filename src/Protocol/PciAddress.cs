using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Orchestrator.Protocol;

/// <summary>
/// A PCI function address <c>dddd:bb:dd.f</c>: domain 16 bits, bus 8, device 5, function 3.
/// Packed into one int so that it sorts, hashes and compares without allocation.
/// </summary>
public readonly record struct PciAddress : IComparable<PciAddress>
{
    private readonly int packed;

    public PciAddress(int domain, int bus, int device, int function)
    {
        if ((uint)domain > 0xFFFF || (uint)bus > 0xFF || (uint)device > 0x1F || (uint)function > 7)
        {
            throw new ArgumentOutOfRangeException(
                nameof(domain),
                $"PCI address out of range: domain {domain:x}, bus {bus:x}, device {device:x}, function {function}");
        }
        packed = (domain << 16) | (bus << 8) | (device << 3) | function;
    }

    public int Domain => (packed >> 16) & 0xFFFF;
    public int Bus => (packed >> 8) & 0xFF;
    public int Device => (packed >> 3) & 0x1F;
    public int Function => packed & 7;

    /// <summary>Device and function as one byte, as the kernel's <c>devfn</c>.</summary>
    public int DevFn => packed & 0xFF;

    /// <summary>The bus this function sits on, as <c>dddd:bb</c>.</summary>
    public PciBus BusId => new(Domain, Bus);

    public static PciAddress Parse(string text)
        => TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public static bool TryParse(string? text, out PciAddress address)
        => TryParse(text, out address, out _);

    /// <summary>Parses <c>dddd:bb:dd.f</c> or <c>bb:dd.f</c> (domain 0); case-insensitive.</summary>
    public static bool TryParse(string? text, out PciAddress address, [NotNullWhen(false)] out string? error)
    {
        address = default;
        var s = text?.Trim() ?? string.Empty;
        var parts = s.Split(':');
        string domainText, busText, slotText;
        switch (parts.Length)
        {
            case 3:
                (domainText, busText, slotText) = (parts[0], parts[1], parts[2]);
                break;
            case 2:
                (domainText, busText, slotText) = ("0000", parts[0], parts[1]);
                break;
            default:
                error = $"'{text}' is not a PCI address (expected dddd:bb:dd.f or bb:dd.f)";
                return false;
        }
        var dot = slotText.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0
            || !Hex(domainText, 4, out var domain)
            || !Hex(busText, 2, out var bus)
            || !Hex(slotText[..dot], 2, out var device) || device > 0x1F
            || slotText.Length != dot + 2 || slotText[dot + 1] < '0' || slotText[dot + 1] > '7')
        {
            error = $"'{text}' is not a PCI address (expected dddd:bb:dd.f with hex domain, bus, device ≤ 1f and function 0-7)";
            return false;
        }
        address = new PciAddress(domain, bus, device, slotText[dot + 1] - '0');
        error = null;
        return true;
    }

    private static bool Hex(string s, int maxDigits, out int value)
    {
        value = 0;
        return s.Length >= 1 && s.Length <= maxDigits
            && int.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }

    public int CompareTo(PciAddress other) => packed.CompareTo(other.packed);

    public static bool operator <(PciAddress a, PciAddress b) => a.packed < b.packed;
    public static bool operator >(PciAddress a, PciAddress b) => a.packed > b.packed;
    public static bool operator <=(PciAddress a, PciAddress b) => a.packed <= b.packed;
    public static bool operator >=(PciAddress a, PciAddress b) => a.packed >= b.packed;

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}:{Device:x2}.{Function}");
}
