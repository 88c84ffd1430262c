using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Orchestrator.Hosting;
using Orchestrator.Hosting.CommandLine;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Node.Hosting;
using Orchestrator.Topology.Model;

namespace Orchestrator.Node;

/// <summary>The node agent's entry point: configuration from an appsettings.json beside it (if any), environment and command line.</summary>
public static class NodeProgram
{
    /// <summary>The node's command line: each switch, the setting it sets and what it does.</summary>
    public static readonly ProcessCommand Command = new("Orchestrator.Node",
        "The p2pmem node agent of one host: discovers its PCI topology, keeps its p2pmem pools and applies placements to nvmet. "
        + "Every switch has an environment variable; seeds are Orchestrator__Cluster__Seeds__0, __1, ...",
        [
            new("--host", NodeOptions.Key(nameof(NodeOptions.Host)), "Host name (default: the machine's, or the topology file's)", ValueName: "name"),
            new("--sysfs-root", NodeOptions.Key(nameof(NodeOptions.SysfsRoot)), "The sysfs root to discover from and resolve block devices under (default /)", ValueName: "dir"),
            new("--topology", NodeOptions.Key(nameof(NodeOptions.Topology)), "Simulate the host from this topology file instead of sysfs", ValueName: "file"),
            new("--journal", NodeOptions.Key(nameof(NodeOptions.Journal)), "A SQLite file, or a PostgreSQL connection string (Host=...) (default data/node-<host>.db)", ValueName: "file|conn"),
            new("--nvmet-apply", NodeOptions.Key(nameof(NodeOptions.NvmetApply)), "Write placements to nvmet configfs (default false: only read and report)", SwitchValue.Boolean),
            new("--configfs-root", NodeOptions.Key(nameof(NodeOptions.ConfigfsRoot)), "Where configfs is mounted (default /sys/kernel/config)", ValueName: "dir"),
            new("--nvmet-every", NodeOptions.Key(nameof(NodeOptions.NvmetEvery)), "How often the placements' namespaces are read again and converged (default 00:00:10)", SwitchValue.Duration),
            new("--pool-poll-every", NodeOptions.Key(nameof(NodeOptions.PoolPollEvery)), "How often the kernel's p2pmem pools are read (default 00:00:05)", SwitchValue.Duration),
            new("--rescan-every", NodeOptions.Key(nameof(NodeOptions.RescanEvery)), "How often the whole PCI tree is read again and compared (default 00:01:00)", SwitchValue.Duration),
            new("--snapshot-every", NodeOptions.Key(nameof(NodeOptions.SnapshotEvery)), "Snapshot a pool after N journaled events, or after as many as it holds buffers if more; journal rows before the older kept snapshot are deleted", SwitchValue.Integer),
            new("--bind", NodeOptions.Key(nameof(NodeOptions.Bind)), "Address Akka remoting binds to (default 127.0.0.1)", ValueName: "address"),
            new("--port", NodeOptions.Key(nameof(NodeOptions.Port)), "Akka remoting port (default 4054; 0 picks a free one)", SwitchValue.Integer),
            new("--public-hostname", NodeOptions.Key(nameof(NodeOptions.PublicHostname)), "The name other members reach this node by, when not the bind address", ValueName: "name"),
            new("--health", NodeOptions.Key(nameof(NodeOptions.Health)), "Serve /healthz and /readyz on this http:// URL (default: no HTTP)", ValueName: "url"),
        ]);

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(Command, args, configuration =>
    {
        var options = new NodeOptions();
        configuration.GetSection(NodeOptions.Section).Bind(options);
        options.Seeds = configuration.GetSection(ProcessDefaults.SeedsKey).Get<List<string>>() ?? [];
        configuration.GetSection(RemotingSecurity.Section).Bind(options.Remoting);
        return NodeHost.Build(options);
    }, e => e switch
    {
        TopologyException => ($"cannot discover the host: {e.Message}", 1),
        IOException { InnerException: AddressInUseException } => ($"cannot serve health checks ({NodeOptions.Key(nameof(NodeOptions.Health))}): {e.Message}", 1),
        _ => null,
    });
}
