using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Controller.Console;
using Orchestrator.Controller.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Serialization;
using Prometheus;
using Scalar.AspNetCore;

namespace Orchestrator.Controller.Api;

/// <summary>
/// The controller's REST bridge (ARCHITECTURE §10) on ASP.NET Core minimal APIs, in the controller process next to
/// the ActorSystem: <c>/api/v1/…</c>, health, Prometheus <c>/metrics</c>, <c>/openapi/v1.json</c> and a reference
/// page at <c>/scalar</c> (Scalar: a maintained, self-contained OpenAPI viewer; Swashbuckle's UI is no longer shipped
/// with ASP.NET Core 9+).
/// </summary>
public static class RestBridge
{
    public static void AddRestBridge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = ProtocolSerializer.Options.PropertyNamingPolicy;
            foreach (var converter in ProtocolSerializer.Options.Converters)
            {
                json.SerializerOptions.Converters.Add(converter);
            }
        });
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // Answers ASP.NET makes itself (no route, wrong method, content type) get our type URNs too.
            if (context.ProblemDetails.Type?.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal) == true)
            {
                var (type, detail) = Problems.ForStatus(context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode, context.HttpContext.Request);
                context.ProblemDetails.Type = type;
                context.ProblemDetails.Detail ??= detail;
            }
        });
        services.AddOpenApi(OpenApiContract.Configure);
        services.AddMutationRateLimit();
        services.AddSingleton<CoordinatorClient>();
        services.AddSingleton<ApiMetrics>();
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
            kestrel.Limits.MaxRequestBodySize = kestrel.ApplicationServices.GetRequiredService<ControllerOptions>().Api.MaxBodyBytes);
    }

    public static void MapRestBridge(this WebApplication app)
    {
        // Anything unexpected still answers problem+json, without internals. Bad framing (a chunk size that is not hex,
        // a body past the limit, Content-Length with chunked) is the client's error: its own 400/413, not logged, not 500.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
            SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
        });
        app.UseStatusCodePages();
        var metrics = app.Services.GetRequiredService<ApiMetrics>();
        // Routing first, so that prometheus-net's HTTP figures carry the route's pattern (bounded labels), not the raw path.
        app.UseRouting();
        app.UseHttpMetrics(http =>
        {
            http.SetMetricFactory(Metrics.WithCustomRegistry(metrics.Registry));
            http.ReduceStatusCodeCardinality();
        });
        app.UseRateLimiter();
        var coordinator = app.Services.GetRequiredService<IRequiredActor<PlacementCoordinator>>();
        metrics.RefreshFrom(() => coordinator.GetAsync());

        var api = app.MapGroup("/api/v1");
        HostEndpoints.Map(api);
        PlacementEndpoints.Map(api);
        HistoryEndpoints.Map(api);
        HealthEndpoints.Map(app);
        app.MapMetrics("/metrics", metrics.Registry);
        app.MapOpenApi();
        app.MapScalarApiReference();
        ConsoleEndpoints.Map(app);
        app.MapGet("/", () => Results.Redirect("/ui")).ExcludeFromDescription();
    }
}
