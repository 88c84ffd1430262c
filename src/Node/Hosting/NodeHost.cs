using Akka.Cluster.Hosting;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Startup;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol;
using Orchestrator.Topology.Model;
using Serilog;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Composes a node process: discovers the host, then an ActorSystem with remoting (and clustering with role
/// <c>node</c> when seeds are set), Akka.Persistence.Sql (SQLite file or PostgreSQL), our protocol serializer
/// bound to every <see cref="IProtocolMessage"/> with strict serialization, Serilog, the <see cref="HostAgent"/>, and
/// with <see cref="NodeOptions.Health"/> the HTTP health checks of <see cref="NodeHealth"/>.
/// </summary>
public static class NodeHost
{
    public const string SystemName = ProcessAkka.SystemName;
    public const string AgentName = "host-agent";

    /// <summary>
    /// Builds the host. A bad setting throws an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/>
    /// naming each (<see cref="NodeOptions.Validate"/>) before anything is read or started; discovery errors surface
    /// here as a <see cref="TopologyException"/> naming the input.
    /// </summary>
    public static IHost Build(NodeOptions options, Action<IHostApplicationBuilder>? configure = null)
    {
        options.Validate();
        PortCheck.Free("Akka remoting", "--port", options.Bind, options.Port);
        if (options.Health is { } healthUrl && PortCheck.Endpoint(healthUrl) is var (healthHost, healthPort))
        {
            PortCheck.Free("health checks", "--health", healthHost, healthPort);
        }
        var source = new TopologySource(options.SysfsRoot, options.Topology, options.Host);
        var topology = source.Discover();
        var host = topology.Host;
        IHostApplicationBuilder builder = options.Health is { } health ? NodeHealth.Builder(health) : Host.CreateApplicationBuilder();
        builder.Services.AddSerilog();
        builder.Services.AddSingleton(topology);
        builder.Services.AddAkka(SystemName, akka =>
        {
            akka.WithOrchestratorDefaults(options.Bind, options.Port, options.Journal, Path.Combine(ProcessDefaults.Data, $"node-{host}.db"), options.ExtraHocon, options.PublicHostname, journalOwner: host, security: options.Remoting);
            var clustered = options.Seeds.Count > 0;
            if (clustered)
            {
                // Keep-majority, as the controller (its README section says why).
                akka.WithClustering(new ClusterOptions { Roles = [ClusterNames.NodeRole], SeedNodes = [.. options.Seeds], SplitBrainResolver = new Akka.Cluster.Hosting.SBR.KeepMajorityOption() });
                akka.WithSingletonProxy<CoordinatorProxy>(ClusterNames.CoordinatorSingleton, new ClusterSingletonOptions { Role = ClusterNames.ControllerRole });
            }
            akka.WithActors((system, registry) =>
            {
                var nvmet = new NvmetApplier(options.ConfigfsRoot, options.NvmetApply);
                var coordinator = clustered ? registry.Get<CoordinatorProxy>() : null;
                var agent = system.ActorOf(HostAgent.Props(topology, source, options.SnapshotEvery, nvmet, coordinator, options.RegisterEvery, options.NvmetEvery, options.PoolPollEvery, options.RescanEvery), AgentName);
                registry.Register<HostAgent>(agent);
            });
        });
        configure?.Invoke(builder);
        return builder is WebApplicationBuilder web ? NodeHealth.Map(web.Build(), host) : ((HostApplicationBuilder)builder).Build();
    }
}

/// <summary>Registry key of the placement coordinator's singleton proxy on a node.</summary>
public sealed class CoordinatorProxy
{
    private CoordinatorProxy()
    {
    }
}
