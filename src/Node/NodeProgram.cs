using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Node.Hosting;
using Orchestrator.Topology.Model;
using Serilog;

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
    };

    public static async Task<int> Main(string[] args)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .CreateLogger();
        try
        {
            var configuration = new ConfigurationBuilder()
                .SetBasePath(AppContext.BaseDirectory)
                .AddJsonFile("appsettings.json", optional: true)
                .AddEnvironmentVariables()
                .AddCommandLine(args, Switches)
                .Build();
            var options = new NodeOptions();
            configuration.GetSection("Orchestrator:Node").Bind(options);
            options.Seeds = configuration.GetSection("Orchestrator:Cluster:Seeds").Get<List<string>>() ?? [];
            using var host = NodeHost.Build(options);
            await host.RunAsync();
            return 0;
        }
        catch (TopologyException e)
        {
            Log.Fatal("cannot discover the host: {Message}", e.Message);
            return 1;
        }
        catch (InvalidOperationException e) when (e.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase) || e.InnerException is FormatException)
        {
            Log.Fatal("bad setting: {Message}", e.InnerException?.Message ?? e.Message);
            return 2;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
