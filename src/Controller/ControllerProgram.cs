using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Hosting.CommandLine;
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

    /// <summary>The controller's command line: each switch, the setting it sets and what it does.</summary>
    public static readonly ProcessCommand Command = new("Orchestrator.Controller",
        "The p2pmem cluster controller: places NVMe-oF target buffers on p2pmem, keeps the placements durable, serves the REST API. "
        + "Without switches it runs all-in-one (simulated hosts, SQLite under data/, REST on " + Protocol.Api.ApiDefaults.Url + "). "
        + "Every switch has an environment variable; seeds are Orchestrator__Cluster__Seeds__0, __1, ...",
        [
            new("--urls", "urls", "Where the REST API listens (default " + Protocol.Api.ApiDefaults.Url + ")", ValueName: "url"),
            new("--bind", ControllerOptions.Key(nameof(ControllerOptions.Bind)), "Address Akka remoting binds to (default 127.0.0.1)", ValueName: "address"),
            new("--port", ControllerOptions.Key(nameof(ControllerOptions.Port)), "Akka remoting port (default 4053): a seed address nodes and controllers dial, so never 0", SwitchValue.Integer),
            new("--public-hostname", ControllerOptions.Key(nameof(ControllerOptions.PublicHostname)), "The name other members reach this controller by, when not the bind address", ValueName: "name"),
            new("--journal", ControllerOptions.Key(nameof(ControllerOptions.Journal)), "A SQLite file, or a PostgreSQL connection string (Host=...) (default <data>/controller.db)", ValueName: "file|conn"),
            new("--data", ControllerOptions.Key(nameof(ControllerOptions.Data)), "The folder of the default SQLite journals (default data/)", ValueName: "dir"),
            new("--snapshot-every", ControllerOptions.Key(nameof(ControllerOptions.SnapshotEvery)), "Snapshot the placements after N journaled events, or after as many as the book holds if more", SwitchValue.Integer),
            new("--keep-finished", ControllerOptions.Key(nameof(ControllerOptions.KeepFinished)), $"Released and failed placements remembered for retries (default {Placement.PlacementBook.DefaultKeepFinished}); the oldest are forgotten first", SwitchValue.Integer),
            new("--history-events", ControllerOptions.Key(nameof(ControllerOptions.HistoryEvents)), $"Journaled events kept as history before the older kept snapshot (default {Placement.CoordinatorSettings.DefaultHistoryEvents}); older rows are deleted", SwitchValue.Integer),
            new("--node-timeout", ControllerOptions.Key(nameof(ControllerOptions.NodeTimeout)), "How long to wait for a node's answer (default 00:00:05)", SwitchValue.Duration),
            new("--topologies", AllInOneOptions.Key(nameof(AllInOneOptions.Topologies)), "All-in-one: simulate the host of every topology file in this folder (default deploy/topologies)", ValueName: "dir"),
            new("--all-in-one", AllInOneOptions.Key(nameof(AllInOneOptions.Enabled)), "Run the simulated hosts in this process (default true)", SwitchValue.Boolean),
            new("--token", ApiOptions.Key(nameof(ApiOptions.Token)), "Require 'Authorization: Bearer <token>' on every mutating request (needed to listen off loopback)", ValueName: "token"),
            new("--environment", "environment", "The ASP.NET environment", Hidden: true),
            new("--contentRoot", "contentRoot", "The ASP.NET content root", Hidden: true),
            new("--applicationName", "applicationName", "The ASP.NET application name", Hidden: true),
        ]);

    public static Task<int> Main(string[] args) => ProcessProgram.RunAsync(Command, args, _ => ControllerHost.Build(args), e => e switch
    {
        TopologyException => ($"cannot simulate the hosts: {e.Message}", 1),
        ApiConfigurationException => (e.Message, 2),
        IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } => ($"cannot serve the REST API (--urls): {e.Message}", 1),
        _ => null,
    });
}
