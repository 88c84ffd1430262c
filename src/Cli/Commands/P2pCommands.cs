using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Topology.P2p;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Cli.Commands;

/// <summary><c>p2pctl p2p check|find</c>: the kernel's verdict for a provider, and the kernel's choice of one.</summary>
internal static class P2pCommands
{
    public static Command Create(CliOutput output)
    {
        var p2p = new Command("p2p", "Peer-to-peer verdicts and provider choice, as the Linux kernel decides them");
        p2p.Subcommands.Add(Check(output));
        p2p.Subcommands.Add(Find(output));
        return p2p;
    }

    private static Option<string[]> ClientOption() => new("--client")
    {
        Description = "A client device (repeat or comma-separate for several)",
        Required = true,
        Arity = ArgumentArity.OneOrMore,
    };

    private static Command Check(CliOutput output)
    {
        var source = new SourceOptions();
        var provider = new Option<string>("--provider") { Description = "The p2pmem provider", Required = true };
        var clients = ClientOption();
        var format = new OutputOption();
        var command = new Command("check", "Map type, distance and reason for a provider and its clients (pci_p2pdma_distance_many)");
        source.AddTo(command);
        command.Options.Add(provider);
        command.Options.Add(clients);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var topology = source.Load(parsed);
            var rules = source.Rules(parsed, topology);
            var p = SourceOptions.Addresses([parsed.GetValue(provider)!], topology, "--provider").Single();
            var cs = SourceOptions.Addresses(parsed.GetValue(clients)!, topology, "--client");
            var pi = rules.RequireIndex(p);
            var explanations = cs.Select(c => rules.Explain(pi, rules.RequireIndex(c))).ToList();
            var distance = rules.DistanceMany(pi, cs.Select(rules.RequireIndex).ToArray());
            var result = new CheckJson(
                p.ToString(),
                distance >= 0,
                distance,
                explanations.Select(e => new CheckClientJson(e.Client.ToString(), e.MapType.ToWire(), e.Distance, e.Level.ToString(), e.Reason, e.AcsHint)).ToList());
            if (output.Structured(format.Get(parsed), result))
            {
                return P2pctl.Answered;
            }
            var pool = topology.Get(p).P2pMem;
            output.Output.WriteLine($"provider {p}: {(result.Compatible ? "compatible" : "NOT compatible")}, distance_many {distance}"
                + (pool is null ? " (no p2pmem pool)" : $" (p2pmem {TreeWriter.Bytes(pool.Size)}, {(pool.Published ? "published" : "unpublished")})"));
            foreach (var c in result.Clients)
            {
                output.Output.WriteLine($"  client {c.Address}: {c.MapType}, distance {c.Distance}, level {c.Level}");
                output.Output.WriteLine($"    {c.Reason}");
            }
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Find(CliOutput output)
    {
        var source = new SourceOptions();
        var clients = ClientOption();
        var policy = new Option<string>("--policy") { Description = "kernel (pci_p2pmem_find_many) or rfc2017", DefaultValueFactory = _ => "kernel" };
        policy.AcceptOnlyFromAmong("kernel", "rfc2017");
        var seed = new Option<int?>("--seed") { Description = "Seed for the kernel's random tie-break (reproducible answers)" };
        var format = new OutputOption();
        var command = new Command("find", "The provider the kernel would choose for these clients, with every candidate");
        source.AddTo(command);
        command.Options.Add(clients);
        command.Options.Add(policy);
        command.Options.Add(seed);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var topology = source.Load(parsed);
            var rules = source.Rules(parsed, topology);
            var cs = SourceOptions.Addresses(parsed.GetValue(clients)!, topology, "--client");
            var mode = parsed.GetValue(policy) == "rfc2017" ? FindPolicy.Rfc2017 : FindPolicy.Kernel;
            var random = parsed.GetValue(seed) is { } s ? new Random(s) : new Random();
            var found = new ProviderFinder(rules).Find(cs, mode, random);
            var result = new FindJson(
                mode.Name,
                found.Provider?.ToString(),
                found.Distance,
                found.Ties.Select(t => t.ToString()).ToList(),
                found.Candidates.Select(c => new FindCandidateJson(c.Provider.ToString(), c.Distance, c.Compatible, c.Reason)).ToList());
            if (output.Structured(format.Get(parsed), result))
            {
                return P2pctl.Answered;
            }
            output.Output.WriteLine(result.Provider is null
                ? $"policy {result.Policy}: no compatible published provider for {string.Join(", ", cs)}"
                : $"policy {result.Policy}: provider {result.Provider}, distance {result.Distance}"
                  + (result.Ties.Count > 1 ? $" (random among ties {string.Join(", ", result.Ties)})" : string.Empty));
            foreach (var c in result.Candidates)
            {
                output.Output.WriteLine($"  {c.Provider}  {(c.Compatible ? "compatible" : "rejected"),-10}  distance {c.Distance,3}  {c.Reason}");
            }
            if (result.Candidates.Count == 0)
            {
                output.Output.WriteLine("  (no published p2pmem provider on this host)");
            }
            return P2pctl.Answered;
        }));
        return command;
    }
}
