using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Controller.History;
using Orchestrator.Controller.Placement;
using Orchestrator.Hosting;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Api;
using Serilog;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Composes a controller process: cluster member with role <c>controller</c>, the <see cref="PlacementCoordinator"/>
/// as a cluster singleton on the oldest controller (with a proxy), Akka.Persistence.Sql, our serializer, Serilog, and
/// the REST bridge on ASP.NET Core in the same process. In the all-in-one mode the same ActorSystem also carries
/// the role <c>node</c> and one <see cref="HostAgent"/> per simulated host.
/// Split Brain Resolver: keep-majority. A partition that leaves the controller with a minority of members downs the
/// controller side rather than let two coordinators place against the same pools; with one controller and many
/// nodes that is the safe side to lose (nodes keep their journals and reconcile when a controller is back).
/// </summary>
public static class ControllerHost
{
    public const string SystemName = ProcessAkka.SystemName;

    /// <summary>
    /// Builds the controller. Settings come from <paramref name="options"/> when given (tests, benchmarks), otherwise
    /// from configuration (<c>--switches</c>, environment), read once the builder is built so that test hosts can
    /// override them; a bad value throws an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// naming each bad setting (<see cref="ControllerOptions.Validate"/>) and nothing starts.
    /// </summary>
    public static WebApplication Build(string[] args, ControllerOptions? options = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Orchestrator.Hosting.CommandLine.ProcessCommandLine.Map(ControllerProgram.Command.Switches));
        builder.Services.AddSerilog();
        builder.Services.AddSingleton(sp => options ?? ControllerOptions.From(sp.GetRequiredService<IConfiguration>()));
        if (builder.Configuration[WebHostDefaults.ServerUrlsKey] is null)
        {
            builder.WebHost.UseUrls(ApiDefaults.Url);
        }
        builder.Services.AddSingleton<StartupChecks>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupChecks>());
        builder.Services.AddSingleton<LocalAgents>();
        builder.Services.AddSingleton(sp => new HistoryFeed(new HistoryLog((int)Math.Min(int.MaxValue, sp.GetRequiredService<ControllerOptions>().HistoryEvents))));
        builder.Services.AddAkka(SystemName, (akka, sp) =>
        {
            var o = sp.GetRequiredService<ControllerOptions>();
            var simulated = sp.GetRequiredService<StartupChecks>().Simulated;
            var local = sp.GetRequiredService<LocalAgents>();
            akka.WithOrchestratorDefaults(o.Bind, o.Port, o.Journal, o.DefaultJournalPath, o.ExtraHocon, o.PublicHostname, security: o.Remoting);
            akka.WithClustering(new ClusterOptions
            {
                Roles = o.AllInOne.Enabled ? [ClusterNames.ControllerRole, ClusterNames.NodeRole] : [ClusterNames.ControllerRole],
                SeedNodes = [.. o.EffectiveSeeds],
                SplitBrainResolver = new KeepMajorityOption(),
            });
            akka.WithSingleton<PlacementCoordinator>(
                ClusterNames.CoordinatorSingleton,
                PlacementCoordinator.SupervisedProps(new CoordinatorSettings(o.NodeTimeout, o.SnapshotEvery, KeepFinished: o.KeepFinished, HistoryEvents: o.HistoryEvents,
                    Journaled: sp.GetRequiredService<HistoryFeed>().Journaled)),
                new ClusterSingletonOptions { Role = ClusterNames.ControllerRole },
                createProxyToo: true);
            akka.WithActors((system, _) => system.ActorOf(JournalSharingGuard.Props(ProcessAkka.DescribeJournal(o.Journal, o.DefaultJournalPath)), JournalSharingGuard.Name));
            akka.WithActors((system, _) => sp.GetRequiredService<HistoryFeed>().Start(system, ClusterNames.CoordinatorPersistenceId));
            if (simulated.Count > 0)
            {
                akka.WithActors((system, registry) =>
                {
                    var coordinator = registry.Get<PlacementCoordinator>();
                    // Simulated hosts never touch the machine's nvmet: the applier is off.
                    var nvmet = new NvmetApplier(NvmetApplier.DefaultConfigfsRoot, enabled: false);
                    foreach (var (source, topology) in simulated)
                    {
                        local.Add(topology.Host, system.ActorOf(HostAgent.Props(topology, source, o.SnapshotEvery, nvmet, coordinator, o.AllInOne.RegisterEvery),
                            "host-agent-" + Uri.EscapeDataString(topology.Host)));
                    }
                    Log.Information("all-in-one: simulating {Count} hosts ({Hosts})", simulated.Count, string.Join(", ", simulated.Select(s => s.Topology.Host)));
                });
            }
        });
        builder.AddRestBridge();
        configure?.Invoke(builder);
        var app = builder.Build();
        // Before anything starts: the settings as configured (test hosts' overrides included, now that it is built).
        var validated = app.Services.GetRequiredService<ControllerOptions>();
        validated.Validate();
        StartupChecks.PortsFree(validated, app.Configuration);
        app.MapRestBridge();
        // And once listening, on the addresses Kestrel really bound (a source the configuration check did not know
        // of): fail closed, with the same line.
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var bound = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses ?? [];
            try
            {
                ApiSecurity.RequireTokenOffLoopback(bound, app.Services.GetRequiredService<ControllerOptions>().Api);
            }
            catch (ApiConfigurationException e)
            {
                app.Logger.LogCritical("{Refusal}", e.Message);
                ProcessProgram.ExitWith(1);
                app.Lifetime.StopApplication();
            }
        });
        return app;
    }
}
