using Microsoft.Extensions.Configuration;
using Orchestrator.Hosting;
using Orchestrator.Node.Hosting;
using Orchestrator.Topology.Model;

namespace Orchestrator.Node;

/// <summary>The node agent's entry point: configuration from appsettings, environment and command line.</summary>
public static class NodeProgram
{
    /// <summary>Command-line switches and the settings they set.</summary>
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--host"] = "Orchestrator:Node:Host",
        ["--sysfs-root"] = "Orchestrator:Node:SysfsRoot",
        ["--topology"] = "Orchestrator:Node:Topology",
        ["--journal"] = "Orchestrator:Node:Journal",
        ["--nvmet-apply"] = "Orchestrator:Node:NvmetApply",
        ["--configfs-root"] = "Orchestrator:Node:ConfigfsRoot",
        ["--snapshot-every"] = "Orchestrator:Node:SnapshotEvery",
        ["--bind"] = "Orchestrator:Node:Bind",
        ["--port"] = "Orchestrator:Node:Port",
        ["--public-hostname"] = "Orchestrator:Node:PublicHostname",
    };

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(args, Switches, configuration =>
    {
        var options = new NodeOptions();
        configuration.GetSection("Orchestrator:Node").Bind(options);
        options.Seeds = configuration.GetSection("Orchestrator:Cluster:Seeds").Get<List<string>>() ?? [];
        return NodeHost.Build(options);
    }, e => e is TopologyException ? ($"cannot discover the host: {e.Message}", 1) : null);
}
