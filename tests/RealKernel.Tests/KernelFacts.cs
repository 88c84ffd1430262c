using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.RealKernel.Tests;

/// <summary>One function under <c>/sys/bus/pci/devices</c> as the live kernel showed it (<c>RK-RESULT kernel.pci</c>).</summary>
internal sealed partial record KernelFunction(string Address, string Path, int Vendor, int Device, int Class, long? P2pmemSize, long? P2pmemAvailable, bool? P2pmemPublished)
{
    /// <summary>The upstream bridges from the root bus down, read off the device's real sysfs path.</summary>
    public IReadOnlyList<string> Chain
    {
        get
        {
            var bdfs = Path.Split('/').Where(p => Bdf().IsMatch(p)).ToList();
            return bdfs.Count > 0 && bdfs[^1] == Address ? bdfs[..^1] : bdfs;
        }
    }

    public static KernelFunction From(JsonElement e) => new(
        e.GetProperty("bdf").GetString()!,
        e.GetProperty("path").GetString()!,
        Hex(e.GetProperty("vendor").GetString()),
        Hex(e.GetProperty("device").GetString()),
        Hex(e.GetProperty("class").GetString()),
        e.GetProperty("p2pmemSize").ValueKind == JsonValueKind.Number ? e.GetProperty("p2pmemSize").GetInt64() : null,
        e.GetProperty("p2pmemAvailable").ValueKind == JsonValueKind.Number ? e.GetProperty("p2pmemAvailable").GetInt64() : null,
        e.GetProperty("p2pmemPublished").ValueKind == JsonValueKind.Number ? e.GetProperty("p2pmemPublished").GetInt64() != 0 : null);

    /// <summary><c>0x8086</c>, <c>8086</c> or <c>060400</c> as a number; -1 when absent or not hex.</summary>
    public static int Hex(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return -1;
        }
        var t = text.Trim();
        if (t.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }
        return int.TryParse(t, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v) ? v : -1;
    }

    [GeneratedRegex(@"^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$")]
    private static partial Regex Bdf();
}

/// <summary>The kernel's answer to <c>echo P &gt; p2pmem; echo 1 &gt; enable</c> for one provider (<c>RK-RESULT kernel.enable</c>).</summary>
internal sealed record KernelEnable(string Provider, string Client, int WriteRc, string WriteError, string P2pmemRead, int EnableRc, string EnableError, string EnableRead, string P2pmemAfterReset, string Dmesg)
{
    public bool Accepted => WriteRc == 0 && EnableRc == 0 && EnableRead == "1";

    /// <summary>Refused the way the kernel refuses an incompatible provider: EINVAL from <c>enable</c>, which stays 0.</summary>
    public bool RefusedEinval => WriteRc == 0 && EnableRc != 0 && EnableRead == "0" && EnableError.Contains("Invalid argument", StringComparison.Ordinal);

    public string Describe() => Accepted ? "accepted (enable reads 1)"
        : $"refused (p2pmem write rc {WriteRc} '{WriteError}', enable rc {EnableRc} '{EnableError}', enable reads {EnableRead})";

    public static KernelEnable From(JsonElement e) => new(
        e.GetProperty("provider").GetString()!, e.GetProperty("client").GetString()!,
        e.GetProperty("writeRc").GetInt32(), e.GetProperty("writeError").GetString()!, e.GetProperty("p2pmemRead").GetString()!,
        e.GetProperty("enableRc").GetInt32(), e.GetProperty("enableError").GetString()!, e.GetProperty("enableRead").GetString()!,
        e.GetProperty("p2pmemAfterReset").GetString()!, e.GetProperty("dmesg").GetString()!);
}

/// <summary>A topology document (<c>p2pctl topo tree --json</c>, the node's discovery) against the live kernel's functions.</summary>
internal static class TopologyCheck
{
    /// <summary>Every difference, one line each; the comparisons made go to <paramref name="report"/>.</summary>
    public static List<string> Differences(JsonElement document, IReadOnlyList<KernelFunction> kernel, List<string> report)
    {
        var differences = new List<string>();
        var ours = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var f in document.GetProperty("functions").EnumerateArray())
        {
            ours[f.GetProperty("address").GetString()!] = f;
        }
        foreach (var k in kernel)
        {
            if (!ours.TryGetValue(k.Address, out var f))
            {
                differences.Add($"{k.Address} ({k.Path}) is missing from our topology");
                continue;
            }
            var chain = Chain(ours, k.Address);
            var same = chain.SequenceEqual(k.Chain);
            report.Add($"{k.Address}: kernel chain [{string.Join(" → ", k.Chain)}], ours [{string.Join(" → ", chain)}]{(same ? "" : "  DIFFERENT")}");
            if (!same)
            {
                differences.Add($"{k.Address}: upstream bridges [{string.Join(", ", chain)}], the kernel's sysfs path {k.Path} says [{string.Join(", ", k.Chain)}]");
            }
            var ids = (KernelFunction.Hex(Text(f, "vendor")), KernelFunction.Hex(Text(f, "device")), KernelFunction.Hex(Text(f, "class")));
            if (ids != (k.Vendor, k.Device, k.Class))
            {
                differences.Add($"{k.Address}: vendor/device/class {ids}, the kernel says {(k.Vendor, k.Device, k.Class)}");
            }
            var p2pmem = f.TryGetProperty("p2pmem", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
            if (k.P2pmemSize is { } size)
            {
                if (p2pmem is not { } pm)
                {
                    differences.Add($"{k.Address} has p2pmem/size {size} in sysfs but is no provider in our topology");
                    continue;
                }
                var (oSize, oAvailable) = (pm.GetProperty("size").GetInt64(), pm.GetProperty("available").GetInt64());
                var oPublished = pm.GetProperty("published").GetBoolean();
                report.Add($"{k.Address}: p2pmem size {size} / available {k.P2pmemAvailable} / published {k.P2pmemPublished} in sysfs, ours {oSize} / {oAvailable} / {oPublished}");
                if (oSize != size || oAvailable != k.P2pmemAvailable || oPublished != k.P2pmemPublished)
                {
                    differences.Add($"{k.Address}: p2pmem size/available/published {oSize}/{oAvailable}/{oPublished}, sysfs says {size}/{k.P2pmemAvailable}/{k.P2pmemPublished}");
                }
            }
            else if (p2pmem is not null)
            {
                differences.Add($"{k.Address} is a provider in our topology but has no p2pmem/size in sysfs");
            }
        }
        foreach (var extra in ours.Keys.Except(kernel.Select(k => k.Address), StringComparer.Ordinal))
        {
            differences.Add($"{extra} is in our topology but not under /sys/bus/pci/devices");
        }
        return differences;
    }

    private static string? Text(JsonElement f, string name) => f.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The parents of <paramref name="address"/> from the root bus down.</summary>
    private static List<string> Chain(Dictionary<string, JsonElement> functions, string address)
    {
        var chain = new List<string>();
        var at = address;
        while (functions.TryGetValue(at, out var f) && Text(f, "parent") is { Length: > 0 } parent && chain.Count < 64)
        {
            chain.Add(parent);
            at = parent;
        }
        chain.Reverse();
        return chain;
    }
}
