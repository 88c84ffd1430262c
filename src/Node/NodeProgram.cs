using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Node.Hosting;
using Orchestrator.Topology.Model;

namespace Orchestrator.Node;

/// <summary>The node agent's entry point: configuration from an appsettings.json beside it (if any), environment and command line.</summary>
public static class NodeProgram
{
    /// <summary>Command-line switches and the settings they set.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--host"] = NodeOptions.Key(nameof(NodeOptions.Host)),
        ["--sysfs-root"] = NodeOptions.Key(nameof(NodeOptions.SysfsRoot)),
        ["--topology"] = NodeOptions.Key(nameof(NodeOptions.Topology)),
        ["--journal"] = NodeOptions.Key(nameof(NodeOptions.Journal)),
        ["--nvmet-apply"] = NodeOptions.Key(nameof(NodeOptions.NvmetApply)),
        ["--configfs-root"] = NodeOptions.Key(nameof(NodeOptions.ConfigfsRoot)),
        ["--nvmet-every"] = NodeOptions.Key(nameof(NodeOptions.NvmetEvery)),
        ["--pool-poll-every"] = NodeOptions.Key(nameof(NodeOptions.PoolPollEvery)),
        ["--rescan-every"] = NodeOptions.Key(nameof(NodeOptions.RescanEvery)),
        ["--snapshot-every"] = NodeOptions.Key(nameof(NodeOptions.SnapshotEvery)),
        ["--bind"] = NodeOptions.Key(nameof(NodeOptions.Bind)),
        ["--port"] = NodeOptions.Key(nameof(NodeOptions.Port)),
        ["--public-hostname"] = NodeOptions.Key(nameof(NodeOptions.PublicHostname)),
        ["--health"] = NodeOptions.Key(nameof(NodeOptions.Health)),
    };

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(args, Switches, configuration =>
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
