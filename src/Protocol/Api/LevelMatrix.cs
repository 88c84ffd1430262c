namespace Orchestrator.Protocol.Api;

/// <summary>
/// Level (X, PIX, PXB, PHB, NODE, SYS) and kernel map type for every ordered pair of <see cref="Devices"/>:
/// <c>Levels[i][j]</c> is provider <c>Devices[i]</c> against client <c>Devices[j]</c>. The shape of
/// <c>p2pctl topo matrix --json</c> and of <c>GET /api/v1/hosts/{host}/matrix</c>.
/// </summary>
public sealed record LevelMatrix(IReadOnlyList<string> Devices, IReadOnlyList<IReadOnlyList<string>> Levels, IReadOnlyList<IReadOnlyList<string>> MapTypes);
