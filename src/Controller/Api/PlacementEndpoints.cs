using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Controller.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Prometheus;

namespace Orchestrator.Controller.Api;

/// <summary><c>/api/v1/placements</c>: place, explain (dry run), list, show and release buffers (ARCHITECTURE §10).</summary>
public static class PlacementEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var placements = api.MapGroup("/placements").WithTags("Placements");
        placements.MapPost("/", Create)
            .AddEndpointFilter(ApiSecurity.Require(ApiScope.Place)).RequireRateLimiting(MutationRateLimit.Policy)
            .Accepts<PlacementRequestBody>("application/json")
            .Produces<PlacementAccepted>(StatusCodes.Status201Created)
            .Produces<PlacementAccepted>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Place a buffer (idempotent by the Idempotency-Key header or requestId); the answer explains the chosen provider, every provider with explain=full");
        placements.MapPost("/explain", Explain)
            .Accepts<PlacementRequestBody>("application/json")
            .Produces<PlacementExplanation>()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("The same decision as a dry run: nothing is reserved");
        placements.MapGet("/", List)
            .Produces<PlacementPage>().ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("Placements in id order, filtered by host, state, nvmet state (applied, pending-disable, missing, drift, error) and affected (a topology change altered its verdicts), paged by offset and limit");
        placements.MapGet("/{id}", Get)
            .Produces<PlacementView>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("One placement");
        placements.MapDelete("/{id}", Release)
            .AddEndpointFilter(ApiSecurity.Require(ApiScope.Place)).RequireRateLimiting(MutationRateLimit.Policy)
            .Produces<PlacementView>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Release a placement (idempotent: releasing a released placement answers it again)");
    }

    private static async Task<IResult> Create(HttpContext http, CoordinatorClient coordinator, ControllerOptions options, ApiMetrics metrics,
        [System.ComponentModel.Description("'full': explain every provider of the host, not only the chosen one (a refusal always does)")] string? explain)
    {
        using var timer = metrics.Latency.WithLabels("place").NewTimer();
        var result = await CreateAsync(http, coordinator, options, explain);
        metrics.Decisions.WithLabels("place", Outcome(result, replayed: "existing")).Inc();
        return result;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, CoordinatorClient coordinator, ControllerOptions options, string? explain)
    {
        if (http.Request.Query["explain"].Count > 1 || explain is not (null or "full"))
        {
            return Problems.Invalid("the query is not valid", new Dictionary<string, string[]>
            {
                ["explain"] = [$"'{string.Join(",", http.Request.Query["explain"].ToArray())}' is not 'full' (leave it out to have the chosen provider explained only)"],
            });
        }
        var (body, problem) = await RequestBody.ReadAsync<PlacementRequestBody>(http.Request, options.Api.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        var keys = http.Request.Headers["Idempotency-Key"];
        if (keys.Count > 1)
        {
            return Problems.Invalid("send one Idempotency-Key header", new Dictionary<string, string[]> { ["Idempotency-Key"] = ["more than one value"] });
        }
        var key = keys.Count == 1 ? keys[0] : null;
        if (key is not null && body!.RequestId is not null && key != body.RequestId)
        {
            return Problems.Invalid("the Idempotency-Key header and requestId differ",
                new Dictionary<string, string[]> { ["requestId"] = [$"'{body.RequestId}' differs from the Idempotency-Key header '{key}'"] });
        }
        // No key at all: the request is not retry-safe, but it is still a valid request.
        var requestId = key ?? body!.RequestId ?? Guid.NewGuid().ToString("N");
        if (PlacementBodyValidator.Validate(body!, requestId) is { Count: > 0 } errors)
        {
            return Problems.Invalid("the placement request has invalid fields", errors);
        }
        var (accepted, refused) = await coordinator.AskAsync<PlacementAccepted>(
            new PlaceBuffer(requestId, body!.Host!, body.Clients!, body.SizeBytes!.Value, body.Nvmeof, body.Policy, FullExplanation: explain == "full", ApiClient.NameOf(http)), http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }
        if (!accepted!.Existing)
        {
            var p = accepted.Placement;
            ApiAudit.Changed(http, "placement {Placement:l} placed on {Host:l} {Provider:l} at {Offset}+{Length}", p.PlacementId, p.Host, p.Provider, p.Offset, p.Length);
        }
        return accepted.Existing
            ? TypedResults.Ok(accepted)
            : TypedResults.Created($"/api/v1/placements/{Uri.EscapeDataString(accepted.Placement.PlacementId)}", accepted);
    }

    private static async Task<IResult> Explain(HttpContext http, CoordinatorClient coordinator, ControllerOptions options, ApiMetrics metrics)
    {
        using var timer = metrics.Latency.WithLabels("explain").NewTimer();
        var (body, problem) = await RequestBody.ReadAsync<PlacementRequestBody>(http.Request, options.Api.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }
        if (PlacementBodyValidator.Validate(body!, body!.RequestId) is { Count: > 0 } errors)
        {
            return Problems.Invalid("the placement request has invalid fields", errors);
        }
        var (explanation, refused) = await coordinator.AskAsync<PlacementExplanation>(
            new ExplainPlacement(body.Host!, body.Clients!, body.SizeBytes!.Value, body.Policy, body.Nvmeof), http.RequestAborted);
        return refused ?? TypedResults.Ok(explanation);
    }

    /// <remarks>
    /// <c>offset</c> and <c>limit</c> are taken as text and parsed here, on purpose: bound as <c>int?</c>, ASP.NET answers
    /// "Failed to bind parameter" on <c>limit=ten</c>, with no range; ours names the parameter, the range and the value
    /// in the same problem+json as the other fields. The OpenAPI document types them as integers (<see cref="OpenApiContract"/>).
    /// </remarks>
    private static async Task<IResult> List(HttpContext http, CoordinatorClient coordinator, string? host, string? state, string? nvmet, string? affected, string? offset, string? limit)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        PlacementState? wanted = null;
        if (state is not null)
        {
            wanted = RequestValidation.ParseName<PlacementState>(state);
            if (wanted is null)
            {
                errors["state"] = [$"'{state}' is not one of {string.Join(", ", Enum.GetNames<PlacementState>().Select(n => n.ToLowerInvariant()))}"];
            }
        }
        var nvmetState = nvmet is null ? null : NvmetStates.Parse(nvmet);
        if (nvmet is not null && nvmetState is null)
        {
            errors["nvmet"] = [$"'{nvmet}' is not one of {string.Join(", ", Enum.GetValues<NvmetState>().Select(NvmetStates.Name))}"];
        }
        bool? affectedOnly = affected switch
        {
            null => null,
            "true" => true,
            "false" => false,
            _ => null,
        };
        if (affected is not null && affectedOnly is null)
        {
            errors["affected"] = [$"'{affected}' is not true or false"];
        }
        var from = Number(offset, "offset", 0, 0, int.MaxValue, errors);
        var count = Number(limit, "limit", ApiDefaults.PageLimit, 1, ApiDefaults.MaxPageLimit, errors);
        if (errors.Count > 0)
        {
            return Problems.Invalid("the query is not valid", errors);
        }
        var (list, refused) = await coordinator.AskAsync<PlacementList>(new ListPlacements(host, wanted, from, count, nvmetState, affectedOnly), http.RequestAborted);
        return refused ?? TypedResults.Ok(new PlacementPage(list!.Placements, list.Total, from, count));
    }

    private static async Task<IResult> Get(HttpContext http, CoordinatorClient coordinator, string id)
    {
        var (found, refused) = await coordinator.AskAsync<PlacementFound>(new GetPlacement(id), http.RequestAborted);
        return refused ?? TypedResults.Ok(found!.Placement);
    }

    private static async Task<IResult> Release(HttpContext http, CoordinatorClient coordinator, ApiMetrics metrics, string id)
    {
        using var timer = metrics.Latency.WithLabels("release").NewTimer();
        var (found, refused) = await coordinator.AskAsync<PlacementFound>(new ReleasePlacement(id, ApiClient.NameOf(http)), http.RequestAborted);
        if (refused is null)
        {
            ApiAudit.Changed(http, "placement {Placement:l} released ({State})", found!.Placement.PlacementId, found.Placement.State);
        }
        var result = refused ?? TypedResults.Ok(found!.Placement);
        metrics.Decisions.WithLabels("release", Outcome(result, replayed: "released")).Inc();
        return result;
    }

    internal static int Number(string? text, string name, int fallback, int min, int max, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }
        errors[name] = [$"'{text}' is not a whole number from {min} to {max}"];
        return fallback;
    }

    private static string Outcome(IResult result, string replayed) => (result as IStatusCodeHttpResult)?.StatusCode switch
    {
        200 => replayed,
        201 => "created",
        400 or 413 or 415 => "invalid",
        404 => "unknown",
        409 => "conflict",
        422 => "no_provider",
        503 => "unavailable",
        var code => code?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "other",
    };
}
