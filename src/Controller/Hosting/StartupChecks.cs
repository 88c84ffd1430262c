using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Node.Agent;
using Orchestrator.Protocol.Api;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Checks that must stop the process before anything listens: the REST bridge bound off loopback without a token,
/// and topology files the all-in-one mode cannot read. Registered before Akka so that its failure aborts the start
/// with the reason (a hosted service's exception propagates out of the host's start).
/// </summary>
public sealed class StartupChecks(ControllerOptions options, IConfiguration configuration) : IHostedService
{
    private IReadOnlyList<(TopologySource Source, HostTopology Topology)>? simulated;

    /// <summary>The simulated hosts (all-in-one), read once; empty when the mode is off.</summary>
    public IReadOnlyList<(TopologySource Source, HostTopology Topology)> Simulated
        => simulated ??= options.AllInOne.Enabled ? SimulatedHosts.Load(options.AllInOne.Topologies) : [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ApiSecurity.RequireTokenOffLoopback(ApiSecurity.ConfiguredUrls(configuration, ApiDefaults.Url), options.Api);
        _ = Simulated;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
