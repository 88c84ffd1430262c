using System.CommandLine;
using System.Text;
using Orchestrator.Cli.Output;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.P2p;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Cli.Commands;

/// <summary><c>p2pctl topo tree|matrix|export</c>: show, compare and save a host's PCI tree.</summary>
internal static class TopoCommands
{
    public static Command Create(CliOutput output)
    {
        var topo = new Command("topo", "Show a host's PCI topology");
        topo.Subcommands.Add(Tree(output));
        topo.Subcommands.Add(Matrix(output));
        topo.Subcommands.Add(Export(output));
        return topo;
    }

    private static Command Tree(CliOutput output)
    {
        var source = new SourceOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("tree", "The PCI tree with kinds, ACS redirect and p2pmem pools");
        source.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var topology = source.Load(parsed);
            if (parsed.GetValue(json))
            {
                output.Json(TopologyDocumentMapper.ToDocument(topology, withDiagnostics: true));
            }
            else
            {
                output.Output.Write(TreeWriter.Write(topology));
                foreach (var d in topology.Diagnostics)
                {
                    output.Error.WriteLine($"note: {d}");
                }
            }
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Matrix(CliOutput output)
    {
        var source = new SourceOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var devices = new Option<string[]>("--devices") { Description = "Devices to compare (comma-separated or repeated); default: every endpoint" };
        var command = new Command("matrix", "Level (X, PIX, PXB, PHB, NODE, SYS) and kernel verdict for every pair");
        source.AddTo(command);
        command.Options.Add(devices);
        command.Options.Add(json);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var topology = source.Load(parsed);
            var rules = source.Rules(parsed, topology);
            var chosen = parsed.GetValue(devices) is { Length: > 0 } given
                ? SourceOptions.Addresses(given, topology, "--devices")
                : topology.Functions.Where(f => f.Kind == DeviceKind.Endpoint).Select(f => f.Address).ToList();
            var index = chosen.Select(rules.RequireIndex).ToArray();
            var levels = index.Select(a => (IReadOnlyList<string>)index.Select(b => rules.Level(a, b).ToString()).ToList()).ToList();
            var maps = index.Select(a => (IReadOnlyList<string>)index.Select(b => rules.Verdict(a, b).MapType.ToWire()).ToList()).ToList();
            if (parsed.GetValue(json))
            {
                output.Json(new MatrixJson(chosen.Select(a => a.ToString()).ToList(), levels, maps));
                return P2pctl.Answered;
            }
            var sb = new StringBuilder();
            var width = Math.Max(5, chosen.Count == 0 ? 5 : chosen.Max(a => a.ToString().Length) - 5);
            sb.Append(new string(' ', 13));
            foreach (var a in chosen)
            {
                sb.Append(a.ToString()[5..].PadLeft(width + 1));
            }
            sb.AppendLine();
            for (var i = 0; i < chosen.Count; i++)
            {
                sb.Append(chosen[i].ToString().PadRight(13));
                for (var j = 0; j < chosen.Count; j++)
                {
                    var cell = levels[i][j] + (maps[i][j] == "NOT_SUPPORTED" ? "!" : string.Empty);
                    sb.Append(cell.PadLeft(width + 1));
                }
                sb.AppendLine();
            }
            sb.AppendLine("Legend: X same function, PIX one bridge or switch, PXB several, PHB via one host bridge,");
            sb.AppendLine("        NODE across host bridges in a NUMA node, SYS across NUMA nodes; ! = kernel says NOT_SUPPORTED");
            output.Output.Write(sb.ToString());
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Export(CliOutput output)
    {
        var source = new SourceOptions();
        var outFile = new Option<string>("--out") { Description = "The topology file to write (.yaml, or .json)", Required = true };
        var command = new Command("export", "Write a topology file from any source, to replay the host elsewhere");
        source.AddTo(command);
        command.Options.Add(outFile);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var topology = source.Load(parsed);
            var path = parsed.GetValue(outFile)!;
            TopologyFile.Write(topology, path);
            output.Output.WriteLine($"wrote {topology.Functions.Count} functions of host '{topology.Host}' to {path}");
            return P2pctl.Answered;
        }));
        return command;
    }
}
