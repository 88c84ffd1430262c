using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller;

/// <summary>
/// The controller's entry point. With no arguments it is the all-in-one mode (controller, simulated hosts from
/// <c>deploy/topologies</c>, SQLite under <c>data/</c>, REST on <see cref="Protocol.Api.ApiDefaults.Url"/>); a cluster deployment
/// turns the simulation off and points at seeds and PostgreSQL through environment variables.
/// A class rather than a static class so that tests can name it as WebApplicationFactory's entry point.
/// </summary>
public sealed class ControllerProgram
{
    private ControllerProgram()
    {
    }

    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--bind"] = ControllerOptions.Key(nameof(ControllerOptions.Bind)),
        ["--port"] = ControllerOptions.Key(nameof(ControllerOptions.Port)),
        ["--public-hostname"] = ControllerOptions.Key(nameof(ControllerOptions.PublicHostname)),
        ["--journal"] = ControllerOptions.Key(nameof(ControllerOptions.Journal)),
        ["--data"] = ControllerOptions.Key(nameof(ControllerOptions.Data)),
        ["--snapshot-every"] = ControllerOptions.Key(nameof(ControllerOptions.SnapshotEvery)),
        ["--node-timeout"] = ControllerOptions.Key(nameof(ControllerOptions.NodeTimeout)),
        ["--topologies"] = AllInOneOptions.Key(nameof(AllInOneOptions.Topologies)),
        ["--all-in-one"] = AllInOneOptions.Key(nameof(AllInOneOptions.Enabled)),
        ["--token"] = ApiOptions.Key(nameof(ApiOptions.Token)),
    };

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(args, Switches, _ => ControllerHost.Build(args), e => e switch
    {
        TopologyException => ($"cannot simulate the hosts: {e.Message}", 1),
        ApiConfigurationException => (e.Message, 2),
        _ => null,
    });
}
