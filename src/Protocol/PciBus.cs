using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Orchestrator.Protocol;

/// <summary>A PCI bus <c>dddd:bb</c>; a host bridge is named by its root bus.</summary>
public readonly record struct PciBus(int Domain, int Bus) : IComparable<PciBus>
{
    public static PciBus Parse(string text)
        => TryParse(text, out var bus, out var error) ? bus : throw new FormatException(error);

    public static bool TryParse(string? text, out PciBus bus, [NotNullWhen(false)] out string? error)
    {
        bus = default;
        var s = text?.Trim() ?? string.Empty;
        if (s.StartsWith("pci", StringComparison.OrdinalIgnoreCase))
        {
            s = s[3..];
        }
        var parts = s.Split(':');
        var ok = parts.Length switch
        {
            2 => int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var d)
                 & int.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)
                 && parts[0].Length is >= 1 and <= 4 && parts[1].Length is >= 1 and <= 2
                 && Set(out bus, d, b),
            1 => int.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b1)
                 && parts[0].Length is >= 1 and <= 2 && Set(out bus, 0, b1),
            _ => false,
        };
        error = ok ? null : $"'{text}' is not a PCI bus (expected dddd:bb)";
        return ok;
    }

    private static bool Set(out PciBus bus, int domain, int number)
    {
        bus = new PciBus(domain, number);
        return true;
    }

    public int CompareTo(PciBus other) => (Domain, Bus).CompareTo((other.Domain, other.Bus));

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Domain:x4}:{Bus:x2}");
}
