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
        var format = new OutputOption();
        var hosts = new Command("hosts", "Hosts registered with the controller: status, CPU, drains and p2pmem pools");
        remote.AddTo(hosts, recursive: true);
        format.AddTo(hosts, recursive: true);
        hosts.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var how = format.Get(parsed);
            using var client = remote.Connect(parsed);
            var reply = client.Get("api/v1/hosts");
            if (output.Structured(how, reply.Body))
            {
                return P2pctl.Answered;
            }
            var list = reply.As<List<HostView>>();
            var wide = how == OutputFormat.Wide;
            string[] columns = ["HOST", "STATUS", "CPU", "DRAINED", "POOLS", "AVAILABLE", "CAPACITY"];
            var table = new Table(wide ? [.. columns, "LARGEST FREE", "ALLOCATIONS", "UNKNOWN BUFFERS", "MEMBER"] : columns);
            foreach (var h in list.OrderBy(h => h.Host, StringComparer.Ordinal))
            {
                string[] cells = [h.Host, Status(h.Status), Cpu(h), Drained(h), Count(h.Pools.Count),
                    TreeWriter.Bytes(h.Pools.Sum(p => p.AvailableBytes)), TreeWriter.Bytes(h.Pools.Sum(p => p.CapacityBytes))];
                table.Add(wide
                    ? [.. cells, TreeWriter.Bytes(h.Pools.Select(p => p.LargestFreeExtentBytes).DefaultIfEmpty(0).Max()), Count(h.Pools.Sum(p => p.AllocationCount)),
                        Count(h.UnknownBuffers), h.Member is { Length: > 0 } member ? member : "-"]
                    : cells);
            }
            output.Output.Write(table.Write());
            if (list.Count == 0)
            {
                output.Output.WriteLine("(no host has registered with the controller)");
            }
            return P2pctl.Answered;
        }));
        hosts.Subcommands.Add(Show(output, remote, format));
        hosts.Subcommands.Add(Drain(output, remote, format, drained: true));
        hosts.Subcommands.Add(Drain(output, remote, format, drained: false));
        return hosts;
    }

    /// <summary><c>hosts drain|undrain NAME [--provider P]</c>: stop (or allow again) new placements on a host or one provider; live ones stay.</summary>
    private static Command Drain(CliOutput output, RemoteOptions remote, OutputOption format, bool drained)
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
            var how = format.Get(parsed);
            var reply = client.Post($"api/v1/hosts/{ControllerClient.Segment(host)}/{verb}", new Protocol.Api.DrainRequestBody(parsed.GetValue(provider)));
            if (output.Structured(how, reply.Body))
            {
                return P2pctl.Answered;
            }
            var set = reply.As<DrainSet>();
            output.Output.WriteLine($"{(set.Provider is null ? $"host {set.Host}" : $"provider {set.Provider} of {set.Host}")} {(set.Drained ? "drained: no new placements" : "undrained: placements allowed")}");
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Show(CliOutput output, RemoteOptions remote, OutputOption format)
    {
        var name = new Argument<string>("NAME") { Description = "The host" };
        var command = new Command("show", "One host with each of its p2pmem pools");
        command.Arguments.Add(name);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var how = format.Get(parsed);
            var reply = client.Get($"api/v1/hosts/{ControllerClient.Segment(parsed.GetValue(name)!)}");
            if (output.Structured(how, reply.Body))
            {
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
            var wide = how == OutputFormat.Wide;
            string[] columns = ["PROVIDER", "CAPACITY", "AVAILABLE", "LARGEST FREE", "ALLOCATIONS", "DRAINED"];
            var table = new Table(wide ? [.. columns, "KERNEL SIZE", "KERNEL AVAILABLE", "FRAGMENTATION", "PUBLISHED", "STATE"] : columns);
            foreach (var p in h.Pools.OrderBy(p => p.Provider, StringComparer.Ordinal))
            {
                string[] cells = [p.Provider, TreeWriter.Bytes(p.CapacityBytes), TreeWriter.Bytes(p.AvailableBytes), TreeWriter.Bytes(p.LargestFreeExtentBytes),
                    Count(p.AllocationCount), h.Drained || h.DrainedProviders.Contains(p.Provider) ? "yes" : "no"];
                table.Add(wide
                    ? [.. cells, TreeWriter.Bytes(p.KernelSizeBytes), TreeWriter.Bytes(p.KernelAvailableBytes),
                        p.Fragmentation.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), p.Published ? "yes" : "no",
                        p.Unavailable is { } why ? "unavailable: " + why : p.Overcommitted ? "overcommitted" : "ok"]
                    : cells);
            }
            output.Output.WriteLine();
            output.Output.Write(table.Write());
            return P2pctl.Answered;
        }));
        return command;
    }

    private static string Count(long n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

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
