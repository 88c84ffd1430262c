using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Api;
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
        var format = new OutputOption();
        var command = new Command("tree", "The PCI tree with kinds, OS names, ACS redirect and p2pmem pools");
        source.AddTo(command);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var how = format.Get(parsed);
            if (how is OutputFormat.Json or OutputFormat.Yaml && source.Fetch(parsed, "topology") is { } reply)
            {
                output.Structured(how, reply.Body);
                return P2pctl.Answered;
            }
            var topology = source.Load(parsed);
            if (!output.Structured(how, TopologyDocumentMapper.ToDocument(topology, withDiagnostics: true)))
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
        var format = new OutputOption();
        var devices = new Option<string[]>("--devices") { Description = "Devices to compare (comma-separated or repeated); default: every endpoint" };
        var command = new Command("matrix", "Level (X, PIX, PXB, PHB, NODE, SYS) and kernel verdict for every pair, with CPU and NUMA affinity, like nvidia-smi topo -m");
        source.AddTo(command);
        command.Options.Add(devices);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var how = format.Get(parsed);
            var wanted = parsed.GetValue(devices) is { Length: > 0 } named ? string.Join(',', named) : null;
            if (source.Fetch(parsed, "matrix" + ControllerClient.Query(("devices", wanted))) is { } reply)
            {
                if (!output.Structured(how, reply.Body))
                {
                    output.Output.Write(MatrixWriter.Write(reply.As<LevelMatrix>()));
                }
                return P2pctl.Answered;
            }
            var topology = source.Load(parsed);
            var rules = source.Rules(parsed, topology);
            var chosen = parsed.GetValue(devices) is { Length: > 0 } given ? SourceOptions.Addresses(given, topology, "--devices") : null;
            var matrix = LevelMatrixBuilder.Build(topology, rules, chosen);
            if (!output.Structured(how, matrix))
            {
                output.Output.Write(MatrixWriter.Write(matrix));
            }
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
