using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller;

/// <summary>
/// The controller's entry point. With no arguments it is the all-in-one mode (controller, simulated hosts from
/// <c>deploy/topologies</c>, SQLite under <c>data/</c>, REST on <c>http://127.0.0.1:5080</c>); a cluster deployment
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
        ["--bind"] = "Orchestrator:Controller:Bind",
        ["--port"] = "Orchestrator:Controller:Port",
        ["--public-hostname"] = "Orchestrator:Controller:PublicHostname",
        ["--journal"] = "Orchestrator:Controller:Journal",
        ["--data"] = "Orchestrator:Controller:Data",
        ["--snapshot-every"] = "Orchestrator:Controller:SnapshotEvery",
        ["--node-timeout"] = "Orchestrator:Controller:NodeTimeout",
        ["--topologies"] = "Orchestrator:AllInOne:Topologies",
        ["--all-in-one"] = "Orchestrator:AllInOne:Enabled",
        ["--token"] = "Orchestrator:Api:Token",
    };

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(args, Switches, _ => ControllerHost.Build(args), e => e switch
    {
        TopologyException => ($"cannot simulate the hosts: {e.Message}", 1),
        Api.ApiConfigurationException => (e.Message, 2),
        _ => null,
    });
}
