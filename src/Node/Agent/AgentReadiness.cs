namespace Orchestrator.Node.Agent;

/// <summary>
/// Whether a host agent can do its work, in words an operator acts on; shared by the node's <c>/readyz</c> and the
/// all-in-one controller's, which runs agents in its own process. Not ready: a pool that is down, unreadable or does
/// not answer (placements on it fail), an agent that does not answer, or, in a cluster, an agent no controller has
/// taken the registration of (the controller places nothing on it). A controller that becomes unreachable after a
/// registration does not count: the node keeps serving its books and registers again by itself, and every node
/// turning unready during a controller failover would only hide the nodes that really are in trouble.
/// </summary>
public static class AgentReadiness
{
    /// <summary>Every problem, one line each, naming the host and, for a pool, the provider and the reason; none: ready.</summary>
    public static IReadOnlyList<string> Problems(AgentHealth health)
    {
        var problems = health.Pools.Where(p => p.Unavailable is not null)
            .Select(p => $"pool {p.Provider} on {health.Host} is unavailable: {p.Unavailable}")
            .ToList();
        if (health.Refusal is not null)
        {
            problems.Add($"host {health.Host}: the controller refused its registration: {health.Refusal}");
        }
        else if (health.Clustered && !health.Registered)
        {
            problems.Add($"host {health.Host} is not registered with a controller yet");
        }
        return problems;
    }

    /// <summary>The problem of an agent that gave no answer in time, or (<paramref name="failure"/>) answered with an error.</summary>
    public static string NoAnswer(string host, TimeSpan timeout, string? failure = null)
        => failure is null ? $"the agent of host {host} does not answer within {timeout.TotalSeconds:0.#} s" : $"the agent of host {host} failed to answer: {failure}";
}
