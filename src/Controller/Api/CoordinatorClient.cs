using Akka.Actor;
using Akka.Hosting;
using Orchestrator.Controller.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// The REST bridge's way to the placement coordinator: through this controller's singleton proxy, so it works on
/// whichever controller holds the singleton. A coordinator that does not answer in time is "not ready" (503).
/// </summary>
public sealed class CoordinatorClient(IRequiredActor<PlacementCoordinator> coordinator, ControllerOptions options, ActorSystem system)
{
    private readonly Lazy<Akka.Cluster.Cluster> cluster = new(() => Akka.Cluster.Cluster.Get(system));

    /// <summary>The answer, or a problem result: the coordinator's refusal mapped to its status, a timeout as 503.</summary>
    public async Task<(T? Answer, Microsoft.AspNetCore.Http.IResult? Problem)> AskAsync<T>(object message, CancellationToken cancellation, TimeSpan? timeout = null)
        where T : class
    {
        // The coordinator takes requests from members that are Up only (anything else could be an impostor) and says
        // nothing to others: a controller still joining, or leaving, answers for itself at once instead of timing out.
        if (cluster.Value.SelfMember.Status is var status and not Akka.Cluster.MemberStatus.Up)
        {
            return (null, Problems.Unavailable($"this controller is not up in the cluster yet (it is {status.ToString().ToLowerInvariant()}); retry shortly"));
        }
        object reply;
        try
        {
            var proxy = await coordinator.GetAsync(cancellation);
            reply = await proxy.Ask<object>(message, timeout ?? options.Api.AskTimeout, cancellation);
        }
        catch (AskTimeoutException)
        {
            return (null, Problems.Unavailable("the placement coordinator did not answer in time (the controller may be starting, recovering or moving)"));
        }
        return reply switch
        {
            T answer => (answer, null),
            PlacementRejected rejected => (null, Problems.From(rejected)),
            Status.Failure failure => (null, Problems.Unavailable($"the coordinator failed: {failure.Cause.Message}")),
            _ => (null, Problems.Unavailable($"the coordinator answered {reply.GetType().Name} where {typeof(T).Name} was expected")),
        };
    }
}
