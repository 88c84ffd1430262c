using Akka.Cluster.Hosting;
using Akka.Cluster.Hosting.SBR;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Hosting;
using Serilog;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Composes a controller process: cluster member with role <c>controller</c>, the <see cref="PlacementCoordinator"/>
/// as a cluster singleton on the oldest controller (with a proxy), Akka.Persistence.Sql, our serializer, Serilog.
/// Split Brain Resolver: keep-majority. A partition that leaves the controller with a minority of members downs the
/// controller side rather than let two coordinators place against the same pools; with one controller and many
/// nodes that is the safe side to lose (nodes keep their journals and reconcile when a controller is back).
/// </summary>
public static class ControllerHost
{
    public const string SystemName = ProcessAkka.SystemName;

    public static IHost Build(ControllerOptions options, Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSerilog();
        builder.Services.AddAkka(SystemName, akka =>
        {
            akka.WithOrchestratorDefaults(options.Bind, options.Port, options.Journal, Path.Combine("data", "controller.db"), options.ExtraHocon);
            akka.WithClustering(new ClusterOptions
            {
                Roles = ["controller"],
                SeedNodes = [.. options.EffectiveSeeds],
                SplitBrainResolver = new KeepMajorityOption(),
            });
            akka.WithSingleton<PlacementCoordinator>(
                PlacementCoordinator.Name,
                PlacementCoordinator.Props(new CoordinatorSettings(options.NodeTimeout, options.SnapshotEvery)),
                new ClusterSingletonOptions { Role = "controller" },
                createProxyToo: true);
        });
        configure?.Invoke(builder);
        return builder.Build();
    }
}
