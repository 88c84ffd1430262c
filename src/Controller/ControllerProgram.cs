using Microsoft.Extensions.Configuration;
using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;

namespace Orchestrator.Controller;

/// <summary>The controller's entry point: configuration from appsettings, environment and command line.</summary>
public static class ControllerProgram
{
    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--bind"] = "Orchestrator:Controller:Bind",
        ["--port"] = "Orchestrator:Controller:Port",
        ["--journal"] = "Orchestrator:Controller:Journal",
        ["--snapshot-every"] = "Orchestrator:Controller:SnapshotEvery",
        ["--node-timeout"] = "Orchestrator:Controller:NodeTimeout",
    };

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(args, Switches, configuration =>
    {
        var options = new ControllerOptions();
        configuration.GetSection("Orchestrator:Controller").Bind(options);
        options.Seeds = configuration.GetSection("Orchestrator:Cluster:Seeds").Get<List<string>>() ?? [];
        return ControllerHost.Build(options);
    });
}
