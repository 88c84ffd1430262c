using System.Globalization;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Sysfs;

/// <summary>Reads the first processor's <c>vendor_id</c> and <c>cpu family</c> from <c>/proc/cpuinfo</c> text.</summary>
public static class CpuInfoParser
{
    public static (CpuInfo Cpu, TopologyDiagnostic? Diagnostic) Parse(string source, string text)
    {
        string? vendor = null;
        int? family = null;
        string? badFamily = null;
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                if (vendor is not null || family is not null)
                {
                    break;  // end of the first processor's block
                }
                continue;
            }
            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (key == "vendor_id" && vendor is null)
            {
                vendor = value;
            }
            else if (key == "cpu family" && family is null && badFamily is null)
            {
                if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var f))
                {
                    family = f;
                }
                else
                {
                    badFamily = value;
                }
            }
        }
        if (vendor is null)
        {
            return (CpuInfo.Unknown, new(source, "no vendor_id line; CPU unknown, treated as not AMD Zen"));
        }
        var diagnostic = badFamily is not null
            ? new TopologyDiagnostic(source, $"cpu family '{badFamily}' is not a number; family unknown")
            : family is null ? new TopologyDiagnostic(source, "no cpu family line; family unknown") : null;
        return (new CpuInfo(vendor, family), diagnostic);
    }
}
