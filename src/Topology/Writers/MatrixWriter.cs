using System.Globalization;
using System.Text;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Topology.Writers;

/// <summary>
/// The level matrix as <c>nvidia-smi topo -m</c> prints its own: the grid, then each device's CPU and NUMA affinity,
/// a device legend (OS names, p2pmem, label) and the levels' legend.
/// </summary>
public static class MatrixWriter
{
    public static string Write(LevelMatrix matrix)
    {
        var devices = matrix.Devices;
        // Without the PCI domain ("0000:") the grid stays narrow; kept when the host has more than one domain.
        var shorten = devices.All(a => a.StartsWith("0000:", StringComparison.Ordinal));
        string Short(string address) => shorten ? address[5..] : address;
        var details = matrix.Details?.ToDictionary(d => d.Address, StringComparer.Ordinal);
        var rows = new List<string[]>();
        var header = new[] { string.Empty }.Concat(devices.Select(Short));
        rows.Add((details is null ? header : header.Append("CPU Affinity").Append("NUMA Affinity")).ToArray());
        for (var i = 0; i < devices.Count; i++)
        {
            var cells = new List<string> { Short(devices[i]) };
            for (var j = 0; j < devices.Count; j++)
            {
                cells.Add(matrix.Levels[i][j] + (matrix.MapTypes[i][j] == "NOT_SUPPORTED" ? "!" : string.Empty));
            }
            if (details is not null && details.TryGetValue(devices[i], out var d))
            {
                cells.Add(d.LocalCpus ?? "N/A");
                cells.Add(d.NumaNode >= 0 ? d.NumaNode.ToString(CultureInfo.InvariantCulture) : "N/A");
            }
            rows.Add([.. cells]);
        }
        var sb = new StringBuilder();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => c < r.Length ? r[c].Length : 0)).ToArray();
        foreach (var row in rows)
        {
            sb.Append(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd()).Append('\n');
        }
        if (details is { Count: > 0 })
        {
            sb.Append("\nDevices:\n\n");
            var names = devices.Select(a => details.TryGetValue(a, out var d) ? string.Join(',', d.OsNames) : string.Empty).ToList();
            var nameWidth = Math.Max(1, names.Max(n => n.Length));
            for (var i = 0; i < devices.Count; i++)
            {
                var d = details.GetValueOrDefault(devices[i]);
                var name = names[i].Length == 0 ? "-" : names[i];
                sb.Append($"  {Short(devices[i])}  {name.PadRight(nameWidth)}  {(d?.Provider == true ? "p2pmem" : "      ")}  {d?.Label}".TrimEnd()).Append('\n');
            }
        }
        sb.Append("""

            Legend:

              X    = Self
              SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes
              NODE = Connection traversing PCIe as well as the interconnect between PCIe host bridges within a NUMA node
              PHB  = Connection traversing PCIe as well as a PCIe host bridge (the CPU's root complex)
              PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe host bridge)
              PIX  = Connection traversing at most a single PCIe bridge
              !    = The kernel refuses peer-to-peer DMA between the pair (map type NOT_SUPPORTED)
              p2pmem = The device offers published p2pmem (a provider)

            """);
        return sb.ToString();
    }
}
