using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Controller.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// <c>/healthz</c> (the process answers) and <c>/readyz</c> (the placement coordinator answers and the journal
/// database is reachable): load balancers send placements only to a ready controller.
/// </summary>
public static class HealthEndpoints
{
    public sealed record Readiness(bool Ready, bool Coordinator, bool Journal, IReadOnlyList<string> Problems);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" })).WithTags("Health").WithSummary("Liveness: the process answers");
        app.MapGet("/readyz", Ready).WithTags("Health").Produces<Readiness>().Produces<Readiness>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Readiness: the placement coordinator answers and the journal is reachable");
    }

    private static async Task<IResult> Ready(HttpContext http, CoordinatorClient coordinator, ControllerOptions options)
    {
        var problems = new List<string>();
        var (_, refused) = await coordinator.AskAsync<ControllerStats>(new GetControllerStats(), http.RequestAborted, TimeSpan.FromSeconds(3));
        if (refused is not null)
        {
            problems.Add("the placement coordinator does not answer");
        }
        var journalError = await JournalProbe.CheckAsync(options.Journal, options.DefaultJournalPath, TimeSpan.FromSeconds(3), http.RequestAborted);
        if (journalError is not null)
        {
            problems.Add($"the journal is not reachable: {journalError}");
        }
        var readiness = new Readiness(problems.Count == 0, refused is null, journalError is null, problems);
        return TypedResults.Json(readiness, statusCode: problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
