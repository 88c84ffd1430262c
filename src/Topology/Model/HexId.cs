using System.Globalization;

namespace Orchestrator.Topology.Model;

/// <summary>PCI ids as people and the kernel write them: hex digits, with or without <c>0x</c>.</summary>
public static class HexId
{
    /// <summary>Parses <paramref name="text"/> as a hex value no greater than <paramref name="max"/>.</summary>
    public static bool TryParse(string? text, int max, out int value)
    {
        value = 0;
        if (text is null)
        {
            return false;
        }
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return digits.Length > 0
            && int.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            && value <= max;
    }
}
