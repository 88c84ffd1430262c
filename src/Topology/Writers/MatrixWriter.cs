using System.Text;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Topology.Writers;

/// <summary>The level matrix as a table in the spirit of <c>nvidia-smi topo -m</c>, with a legend.</summary>
public static class MatrixWriter
{
    public static string Write(LevelMatrix matrix)
    {
        var devices = matrix.Devices;
        var sb = new StringBuilder();
        var width = Math.Max(5, devices.Count == 0 ? 5 : devices.Max(a => a.Length) - 5);
        sb.Append(new string(' ', 13));
        foreach (var a in devices)
        {
            sb.Append(Short(a).PadLeft(width + 1));
        }
        sb.AppendLine();
        for (var i = 0; i < devices.Count; i++)
        {
            sb.Append(devices[i].PadRight(13));
            for (var j = 0; j < devices.Count; j++)
            {
                var cell = matrix.Levels[i][j] + (matrix.MapTypes[i][j] == "NOT_SUPPORTED" ? "!" : string.Empty);
                sb.Append(cell.PadLeft(width + 1));
            }
            sb.AppendLine();
        }
        sb.AppendLine("Legend: X same function, PIX one bridge or switch, PXB several, PHB via one host bridge,");
        sb.AppendLine("        NODE across host bridges in a NUMA node, SYS across NUMA nodes; ! = kernel says NOT_SUPPORTED");
        return sb.ToString();
    }

    // The column header drops the PCI domain ("0000:") to keep the table narrow.
    private static string Short(string address) => address.Length > 5 ? address[5..] : address;
}
