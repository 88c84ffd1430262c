using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Hosting.Startup;
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

    /// <summary>
    /// Ports another process holds, before the host is built: Akka's hosted service starts (and binds remoting) before
    /// every other, so a check there would find this very process. A second controller started beside the first stops here.
    /// </summary>
    public static void PortsFree(ControllerOptions options, IConfiguration configuration)
    {
        PortCheck.Free("Akka remoting", "--port", options.Bind, options.Port);
        foreach (var url in ApiSecurity.ConfiguredUrls(configuration, ApiDefaults.Url))
        {
            if (PortCheck.Endpoint(url) is var (host, port))
            {
                PortCheck.Free("the REST API", "--urls", host, port);
            }
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        ApiSecurity.RequireTokenOffLoopback(ApiSecurity.ConfiguredUrls(configuration, ApiDefaults.Url), options.Api);
        _ = Simulated;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
