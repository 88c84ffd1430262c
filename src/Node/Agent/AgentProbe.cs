using Akka.Actor;

namespace Orchestrator.Node.Agent;

/// <summary>Asks a host agent in this process for its <see cref="AgentHealth"/>, for readiness: an agent that does not answer in time is a problem too.</summary>
public static class AgentProbe
{
    /// <summary>The agent's problems (<see cref="AgentReadiness.Problems"/>), or one line saying it did not answer; none: ready.</summary>
    public static async Task<IReadOnlyList<string>> ProblemsAsync(string host, IActorRef agent, TimeSpan timeout, CancellationToken cancellation)
    {
        try
        {
            return AgentReadiness.Problems(await agent.Ask<AgentHealth>(GetAgentHealth.Instance, timeout, cancellation));
        }
        catch (AskTimeoutException)
        {
            return [AgentReadiness.NoAnswer(host, timeout)];
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return [AgentReadiness.NoAnswer(host, timeout)];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // An agent that answers with a failure is no readier than a silent one; the reason goes with it.
            return [AgentReadiness.NoAnswer(host, timeout, e.Message)];
        }
    }
}
