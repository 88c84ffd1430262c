using System.Collections.Concurrent;
using Akka.Actor;
using Orchestrator.Controller.Hosting;
using Orchestrator.Node.Agent;

namespace Orchestrator.Controller.AllInOne;

/// <summary>
/// The host agents this process runs (the all-in-one mode), for <c>/readyz</c>: their pools are this process's
/// to serve, so a pool that is down here makes this controller unready. Asked in-process, never over remoting.
/// </summary>
public sealed class LocalAgents(StartupChecks checks)
{
    private readonly ConcurrentDictionary<string, IActorRef> agents = new(StringComparer.Ordinal);

    public void Add(string host, IActorRef agent) => agents[host] = agent;

    /// <summary>
    /// Every local agent's problems (<see cref="AgentProbe"/>), asked together; a simulated host whose agent has not
    /// started yet counts too, so a readiness probe that comes early never reads "no agents" as "all ready".
    /// None: ready, also when this process runs no agent.
    /// </summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var asks = checks.Simulated.Select(s => s.Topology.Host).Select(host => agents.TryGetValue(host, out var agent)
            ? AgentProbe.ProblemsAsync(host, agent, timeout, cancellation)
            : Task.FromResult<IReadOnlyList<string>>([$"the agent of host {host} has not started yet"]));
        return [.. (await Task.WhenAll(asks)).SelectMany(problems => problems)];
    }
}
