using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Controller.Hosting;
using Serilog;

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

    public static async Task<int> Main(string[] args)
    {
        Log.Logger = new LoggerConfiguration()
            .MinimumLevel.Information()
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
            var options = new ControllerOptions();
            configuration.GetSection("Orchestrator:Controller").Bind(options);
            options.Seeds = configuration.GetSection("Orchestrator:Cluster:Seeds").Get<List<string>>() ?? [];
            using var host = ControllerHost.Build(options);
            await host.RunAsync();
            return 0;
        }
        catch (InvalidOperationException e) when (e.InnerException is FormatException)
        {
            Log.Fatal("bad setting: {Message}", e.InnerException.Message);
            return 2;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
