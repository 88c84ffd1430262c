using System.CommandLine;
using Orchestrator.Cli.Output;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Controller;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Cli.Commands;

/// <summary><c>p2pctl hosts [show NAME | drain NAME | undrain NAME]</c>: the hosts registered with the controller, from its REST bridge.</summary>
internal static class HostsCommands
{
    public static Command Create(CliOutput output)
    {
        var remote = new RemoteOptions();
        // Recursive: "hosts --server URL show NAME" and "hosts show NAME --server URL" mean the same.
        var json = new Option<bool>("--json") { Description = "Print the controller's JSON", Recursive = true };
        var hosts = new Command("hosts", "Hosts registered with the controller: status, CPU, drains and p2pmem pools");
        remote.AddTo(hosts, recursive: true);
        hosts.Options.Add(json);
        hosts.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var reply = client.Get("api/v1/hosts");
            if (parsed.GetValue(json))
            {
                output.Output.WriteLine(ServerJson.Pretty(reply.Body));
                return P2pctl.Answered;
            }
            var list = reply.As<List<HostView>>();
            var table = new Table("HOST", "STATUS", "CPU", "DRAINED", "POOLS", "AVAILABLE", "CAPACITY");
            foreach (var h in list.OrderBy(h => h.Host, StringComparer.Ordinal))
            {
                table.Add(h.Host, Status(h.Status), Cpu(h), Drained(h), h.Pools.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    TreeWriter.Bytes(h.Pools.Sum(p => p.AvailableBytes)), TreeWriter.Bytes(h.Pools.Sum(p => p.CapacityBytes)));
            }
            output.Output.Write(table.Write());
            if (list.Count == 0)
            {
                output.Output.WriteLine("(no host has registered with the controller)");
            }
            return P2pctl.Answered;
        }));
        hosts.Subcommands.Add(Show(output, remote, json));
        hosts.Subcommands.Add(Drain(output, remote, json, drained: true));
        hosts.Subcommands.Add(Drain(output, remote, json, drained: false));
        return hosts;
    }

    /// <summary><c>hosts drain|undrain NAME [--provider P]</c>: stop (or allow again) new placements on a host or one provider; live ones stay.</summary>
    private static Command Drain(CliOutput output, RemoteOptions remote, Option<bool> json, bool drained)
    {
        var name = new Argument<string>("NAME") { Description = "The host" };
        var provider = new Option<string?>("--provider") { Description = "Only this p2pmem provider (default: the whole host)" };
        var verb = drained ? "drain" : "undrain";
        var command = new Command(verb, drained
            ? "Stop new placements on a host, or on one provider of it; placements already there stay"
            : "Allow new placements again on a drained host or provider");
        command.Arguments.Add(name);
        command.Options.Add(provider);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var host = parsed.GetValue(name)!;
            var reply = client.Post($"api/v1/hosts/{ControllerClient.Segment(host)}/{verb}", new Protocol.Api.DrainRequestBody(parsed.GetValue(provider)));
            if (parsed.GetValue(json))
            {
                output.Output.WriteLine(ServerJson.Pretty(reply.Body));
                return P2pctl.Answered;
            }
            var set = reply.As<DrainSet>();
            output.Output.WriteLine($"{(set.Provider is null ? $"host {set.Host}" : $"provider {set.Provider} of {set.Host}")} {(set.Drained ? "drained: no new placements" : "undrained: placements allowed")}");
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Show(CliOutput output, RemoteOptions remote, Option<bool> json)
    {
        var name = new Argument<string>("NAME") { Description = "The host" };
        var command = new Command("show", "One host with each of its p2pmem pools");
        command.Arguments.Add(name);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var reply = client.Get($"api/v1/hosts/{ControllerClient.Segment(parsed.GetValue(name)!)}");
            if (parsed.GetValue(json))
            {
                output.Output.WriteLine(ServerJson.Pretty(reply.Body));
                return P2pctl.Answered;
            }
            var h = reply.As<HostView>();
            output.Output.WriteLine($"host     {h.Host}");
            output.Output.WriteLine($"status   {Status(h.Status)}");
            output.Output.WriteLine($"member   {h.Member}");
            output.Output.WriteLine($"cpu      {Cpu(h)}");
            output.Output.WriteLine($"drained  {Drained(h)}");
            if (h.Pools.Count == 0)
            {
                output.Output.WriteLine("pools    (none)");
                return P2pctl.Answered;
            }
            var table = new Table("PROVIDER", "CAPACITY", "AVAILABLE", "LARGEST FREE", "ALLOCATIONS", "DRAINED");
            foreach (var p in h.Pools.OrderBy(p => p.Provider, StringComparer.Ordinal))
            {
                table.Add(p.Provider, TreeWriter.Bytes(p.CapacityBytes), TreeWriter.Bytes(p.AvailableBytes), TreeWriter.Bytes(p.LargestFreeExtentBytes),
                    p.AllocationCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    h.Drained || h.DrainedProviders.Contains(p.Provider) ? "yes" : "no");
            }
            output.Output.WriteLine();
            output.Output.Write(table.Write());
            return P2pctl.Answered;
        }));
        return command;
    }

    private static string Status(HostStatus status) => status.ToString().ToLowerInvariant();

    private static string Cpu(HostView h) => (h.CpuVendor, h.CpuFamily) switch
    {
        (null, null) => "unknown",
        (var v, null) => v!,
        (null, var f) => $"family {f}",
        var (v, f) => $"{v} family {f}",
    };

    private static string Drained(HostView h) => h.Drained ? "host"
        : h.DrainedProviders.Count > 0 ? string.Join(',', h.DrainedProviders)
        : "no";
}
