using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orchestrator.Controller.Hosting;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Controller.Api;

/// <summary><c>/api/v1/hosts</c>: hosts, their topology, level matrix and pools, and drains (ARCHITECTURE §10).</summary>
public static partial class HostEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var hosts = api.MapGroup("/hosts").WithTags("Hosts");
        hosts.MapGet("/", ListHosts).Produces<IReadOnlyList<HostView>>().WithSummary("Every registered host with status, CPU, drains and pool summaries");
        hosts.MapGet("/{host}", GetHost).Produces<HostView>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One host");
        hosts.MapGet("/{host}/topology", Topology).Produces<TopologyDocument>(StatusCodes.Status200OK, "application/json", "text/plain")
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("The PCI tree as JSON, or ?format=text for an annotated lspci -tv-like tree");
        hosts.MapGet("/{host}/matrix", Matrix).Produces<LevelMatrix>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Level and kernel map type for every pair of ?devices=a,b,… (default: every endpoint)");
        hosts.MapGet("/{host}/pools", Pools).Produces<HostPools>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The host's p2pmem pools, fresh from its agent, with every allocation");
        hosts.MapPost("/{host}/drain", (HttpContext http, CoordinatorClient c, ControllerOptions o, string host) => Drain(http, c, o, host, drained: true))
            .AddEndpointFilter(ApiSecurity.Require(ApiScope.Admin)).RequireRateLimiting(MutationRateLimit.Policy).Accepts<DrainRequestBody>("application/json").Produces<DrainSet>()
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Stop new placements on the host, or on one provider ({\"provider\": …})");
        hosts.MapPost("/{host}/undrain", (HttpContext http, CoordinatorClient c, ControllerOptions o, string host) => Drain(http, c, o, host, drained: false))
            .AddEndpointFilter(ApiSecurity.Require(ApiScope.Admin)).RequireRateLimiting(MutationRateLimit.Policy).Accepts<DrainRequestBody>("application/json").Produces<DrainSet>()
            .ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Allow new placements again");
        hosts.MapPost("/{host}/rescan", Rescan)
            .AddEndpointFilter(ApiSecurity.Require(ApiScope.Admin)).RequireRateLimiting(MutationRateLimit.Policy).Produces<RescanCompleted>()
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("The node reads its PCI tree again now: what changed (functions, links, ACS, NUMA, p2pmem); placements whose verdicts changed are flagged (?affected=true)");
    }

    private static async Task<IResult> Rescan(HttpContext http, CoordinatorClient coordinator, string host)
    {
        // A full discovery reads every function's config space: seconds on a big host, more under emulation.
        var (done, refused) = await coordinator.AskAsync<RescanCompleted>(new RescanHost(host), http.RequestAborted, TimeSpan.FromSeconds(60));
        if (refused is null)
        {
            ApiAudit.Changed(http, "host {Host:l} rescanned: {Changes} changes", host, done!.Changes?.Count ?? 0);
        }
        return refused ?? TypedResults.Ok(done);
    }

    private static async Task<IResult> ListHosts(HttpContext http, CoordinatorClient coordinator)
    {
        var (list, refused) = await coordinator.AskAsync<HostList>(new GetHosts(), http.RequestAborted);
        return refused ?? TypedResults.Ok(list!.Hosts.Select(h => Shown(http, h)).ToList());
    }

    /// <summary>
    /// A host as this request may see it: members' remoting addresses are what an attacker on the network needs to
    /// reach them, so they are shown only to a client with scope <c>read</c> (or on a controller without tokens).
    /// </summary>
    private static HostView Shown(HttpContext http, HostView host)
        => ApiSecurity.MaySeeInternals(http) ? host
            : host with { Member = Hidden, Conflict = host.Conflict is null ? null : MemberAddress().Replace(host.Conflict, Hidden) };

    private const string Hidden = "(hidden: needs a token with scope admin)";

    [System.Text.RegularExpressions.GeneratedRegex(@"akka(\.ssl)?\.tcp://[^\s,;)]+")]
    private static partial System.Text.RegularExpressions.Regex MemberAddress();

    private static async Task<IResult> GetHost(HttpContext http, CoordinatorClient coordinator, string host)
    {
        var (list, refused) = await coordinator.AskAsync<HostList>(new GetHosts(), http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }
        return list!.Hosts.FirstOrDefault(h => h.Host == host) is { } view ? TypedResults.Ok(Shown(http, view)) : UnknownHost(host);
    }

    private static async Task<IResult> Topology(HttpContext http, CoordinatorClient coordinator, string host, string? format)
    {
        if (format is not (null or "json" or "text"))
        {
            return Problems.Invalid($"format '{format}' is not json or text", new Dictionary<string, string[]> { ["format"] = ["one of json, text"] });
        }
        var (found, refused) = await coordinator.AskAsync<HostTopologyFound>(new GetHostTopology(host), http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }
        return format == "text"
            ? TypedResults.Text(TreeWriter.Write(Model(found!)), "text/plain; charset=utf-8")
            : TypedResults.Ok(found!.Topology);
    }

    private static async Task<IResult> Matrix(HttpContext http, CoordinatorClient coordinator, string host, string[]? devices)
    {
        var wanted = new List<PciAddress>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var text in (devices ?? []).SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (PciAddress.TryParse(text, out var address, out var error))
            {
                wanted.Add(address);
            }
            else
            {
                errors[$"devices[{wanted.Count + errors.Count}]"] = [error];
            }
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid("devices must be PCI addresses", errors);
        }
        var (found, refused) = await coordinator.AskAsync<HostTopologyFound>(new GetHostTopology(host), http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }
        var topology = Model(found!);
        foreach (var address in wanted.Where(a => topology.Find(a) is null))
        {
            return Problems.NotFound("unknown-device", $"device {address} is not a function of host '{host}'");
        }
        return TypedResults.Ok(LevelMatrixBuilder.Build(topology, new P2pRules(topology), wanted));
    }

    private static async Task<IResult> Pools(HttpContext http, CoordinatorClient coordinator, string host)
    {
        var (snapshot, refused) = await coordinator.AskAsync<HostSnapshot>(new GetHostPools(host), http.RequestAborted);
        return refused ?? TypedResults.Ok(new HostPools(snapshot!.Host, snapshot.Pools));
    }

    private static async Task<IResult> Drain(HttpContext http, CoordinatorClient coordinator, ControllerOptions options, string host, bool drained)
    {
        var (body, problem) = await RequestBody.ReadAsync<DrainRequestBody>(http.Request, options.Api.MaxBodyBytes, optional: true);
        if (problem is not null)
        {
            return problem;
        }
        string? provider = null;
        if (body?.Provider is { } text)
        {
            if (!PciAddress.TryParse(text, out var address, out var error))
            {
                return Problems.Invalid("provider must be a PCI address", new Dictionary<string, string[]> { ["provider"] = [error] });
            }
            provider = address.ToString();
        }
        var (set, refused) = await coordinator.AskAsync<DrainSet>(new SetDrain(host, provider, drained, ApiClient.NameOf(http)), http.RequestAborted);
        if (refused is null)
        {
            ApiAudit.Changed(http, drained ? "host {Host:l} drained ({Provider:l})" : "host {Host:l} undrained ({Provider:l})", host, provider ?? "every provider");
        }
        return refused ?? TypedResults.Ok(set);
    }

    // The controller holds the document the agent registered; it was valid then, so mapping it back cannot fail.
    private static HostTopology Model(HostTopologyFound found) => TopologyDocumentMapper.ToModel(found.Topology, $"registration of {found.Host}", found.Host);

    private static IResult UnknownHost(string host) => Problems.NotFound("unknown-host", $"unknown host '{host}'");
}
