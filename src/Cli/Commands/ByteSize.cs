using System.Globalization;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// Sizes as operators write them: <c>1048576</c>, <c>4KiB</c>, <c>1MiB</c>, <c>2G</c>, <c>1.5GiB</c>. K, M, G, T
/// with or without <c>i</c>/<c>iB</c> are powers of 1024 (as <c>dd</c> and the kernel's pools count); KB, MB, GB,
/// TB are powers of 1000. Case does not matter; the result must be a whole, positive number of bytes.
/// </summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Units =
    [
        ("kib", 1L << 10), ("mib", 1L << 20), ("gib", 1L << 30), ("tib", 1L << 40),
        ("ki", 1L << 10), ("mi", 1L << 20), ("gi", 1L << 30), ("ti", 1L << 40),
        ("kb", 1_000), ("mb", 1_000_000), ("gb", 1_000_000_000), ("tb", 1_000_000_000_000),
        ("k", 1L << 10), ("m", 1L << 20), ("g", 1L << 30), ("t", 1L << 40),
        ("b", 1),
    ];

    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        var trimmed = text.Trim();
        var lower = trimmed.ToLowerInvariant();
        var (suffix, factor) = Units.FirstOrDefault(u => lower.EndsWith(u.Suffix, StringComparison.Ordinal), (Suffix: string.Empty, Factor: 1L));
        var number = trimmed[..(trimmed.Length - suffix.Length)].TrimEnd();
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            error = $"'{text}' is not a size (e.g. 1048576, 4KiB, 1MiB, 2G)";
            return false;
        }
        decimal total;
        try
        {
            total = value * factor;
        }
        catch (OverflowException)
        {
            error = $"'{text}' is too large";
            return false;
        }
        if (total > long.MaxValue)
        {
            error = $"'{text}' is too large";
            return false;
        }
        if (total <= 0 || total != decimal.Truncate(total))
        {
            error = $"'{text}' is not a positive whole number of bytes";
            return false;
        }
        bytes = (long)total;
        error = string.Empty;
        return true;
    }
}
