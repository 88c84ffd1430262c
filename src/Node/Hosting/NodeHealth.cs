using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Orchestrator.Node.Agent;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// The node's opt-in HTTP health checks (<see cref="NodeOptions.Health"/>): <c>/healthz</c> (the process answers) and
/// <c>/readyz</c> (200 when the host agent answers, every pool is up and, in a cluster, a controller took its
/// registration; 503 with the problems otherwise: <see cref="AgentReadiness"/>). With the setting the node's host is a
/// slim ASP.NET Core one listening there and nowhere else; without it, a plain generic host with no HTTP at all.
/// </summary>
public static class NodeHealth
{
    /// <summary>How long <c>/readyz</c> waits for the agent: a probe must answer well within a prober's own timeout.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public sealed record Readiness(string Host, bool Ready, IReadOnlyList<string> Problems);

    /// <summary>A host builder that serves HTTP on <paramref name="url"/> only.</summary>
    public static WebApplicationBuilder Builder(string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        return builder;
    }

    /// <summary>Maps the two endpoints on the built host.</summary>
    public static WebApplication Map(WebApplication app, string host)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }));
        app.MapGet("/readyz", (HttpContext http, ActorRegistry registry) => ReadyAsync(http, registry, host));
        return app;
    }

    private static async Task<IResult> ReadyAsync(HttpContext http, ActorRegistry registry, string host)
    {
        IReadOnlyList<string> problems;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(AskTimeout);
        try
        {
            // The agent is in the registry once the ActorSystem has started it; until then it does not answer either.
            var agent = await registry.GetAsync<HostAgent>(timeout.Token);
            problems = await AgentProbe.ProblemsAsync(host, agent, AskTimeout, http.RequestAborted);
        }
        catch (OperationCanceledException) when (!http.RequestAborted.IsCancellationRequested)
        {
            problems = [AgentReadiness.NoAnswer(host, AskTimeout)];
        }
        return TypedResults.Json(new Readiness(host, problems.Count == 0, problems), statusCode: problems.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }
}
