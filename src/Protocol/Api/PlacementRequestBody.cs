using Orchestrator.Protocol.Controller;

namespace Orchestrator.Protocol.Api;

/// <summary>
/// The body of <c>POST /api/v1/placements</c> and <c>/placements/explain</c> (ARCHITECTURE §10). Every field is
/// nullable so that a missing one is reported by name rather than defaulted.
/// </summary>
public sealed record PlacementRequestBody(
    string? Host,
    IReadOnlyList<string>? Clients,
    long? SizeBytes,
    NvmeofTarget? Nvmeof = null,
    PlacementPolicy? Policy = null,
    string? RequestId = null);

/// <summary>The optional body of <c>POST /api/v1/hosts/{host}/drain</c> and <c>/undrain</c>: one provider, or the whole host.</summary>
public sealed record DrainRequestBody(string? Provider);

/// <summary>One page of <c>GET /api/v1/placements</c>.</summary>
public sealed record PlacementPage(IReadOnlyList<PlacementView> Items, int Total, int Offset, int Limit);

/// <summary><c>GET /api/v1/hosts/{host}/pools</c>: the pools fresh from the host's agent.</summary>
public sealed record HostPools(string Host, IReadOnlyList<Node.PoolStatus> Pools);
