using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Node.Agent;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (the placement coordinator answers, the journal database
/// is reachable and, in the all-in-one mode, every host agent of this process is ready: <see cref="AgentReadiness"/>):
/// load balancers send placements only to a ready controller.
/// </summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary><see cref="Hosts"/>: every host agent this process runs is ready (true when it runs none).</summary>
    public sealed record Readiness(bool Ready, bool Coordinator, bool Journal, bool Hosts, IReadOnlyList<string> Problems);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health").WithSummary("Liveness: the process answers");
        app.MapGet("/readyz", Ready).WithTags("Health").Produces<Readiness>().Produces<Readiness>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Readiness: the placement coordinator answers, the journal is reachable and every local host agent (all-in-one) is ready");
    }

    private static async Task<IResult> Ready(HttpContext http, CoordinatorClient coordinator, ControllerOptions options, LocalAgents agents)
    {
        // Asked together: a probe waits for the slowest answer, not for their sum.
        var coordinatorAnswer = coordinator.AskAsync<ControllerStats>(new GetControllerStats(), http.RequestAborted, Timeout);
        var journalAnswer = JournalProbe.CheckAsync(options.Journal, options.DefaultJournalPath, Timeout, http.RequestAborted);
        var hostsAnswer = agents.ProblemsAsync(Timeout, http.RequestAborted);
        var (stats, refused) = await coordinatorAnswer;
        var journalError = await journalAnswer;
        var hostProblems = await hostsAnswer;
        var problems = new List<string>();
        if (refused is not null)
        {
            problems.Add("the placement coordinator does not answer");
        }
        if (journalError is not null)
        {
            // The database's endpoint is for operators (scope admin), not for whoever can reach a load balancer's probe.
            problems.Add(ApiSecurity.MaySeeInternals(http) ? $"the journal is not reachable: {journalError}" : "the journal is not reachable (details with a token of scope admin)");
        }
        if (stats is { AwaitedHosts: [_, ..] awaited, RecoveredAt: { } recovered } && DateTime.UtcNow - recovered < options.RegistrationGrace)
        {
            // Until the hosts the journal knows are back, the host list is short and a placement on them is 503.
            hostProblems = [.. hostProblems, $"waiting for hosts: {stats.KnownHosts - awaited.Count} of {stats.KnownHosts} registered (not yet: {string.Join(", ", awaited.Take(10))}{(awaited.Count > 10 ? $" and {awaited.Count - 10} more" : string.Empty)}); "
                + $"ready anyway {options.RegistrationGrace.TotalSeconds:0} s after the coordinator started"];
        }
        problems.AddRange(hostProblems);
        var readiness = new Readiness(problems.Count == 0, refused is null, journalError is null, hostProblems.Count == 0, problems);
        return TypedResults.Json(readiness, statusCode: problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
