namespace Orchestrator.Protocol.Api;

/// <summary>
/// Level (X, PIX, PXB, PHB, NODE, SYS) and kernel map type for every ordered pair of <see cref="Devices"/>:
/// <c>Levels[i][j]</c> is provider <c>Devices[i]</c> against client <c>Devices[j]</c>; <c>Details[i]</c> says what
/// <c>Devices[i]</c> is (names, NUMA node, local CPUs). The shape of <c>p2pctl topo matrix --json</c> and of
/// <c>GET /api/v1/hosts/{host}/matrix</c>.
/// </summary>
public sealed record LevelMatrix(IReadOnlyList<string> Devices, IReadOnlyList<IReadOnlyList<string>> Levels, IReadOnlyList<IReadOnlyList<string>> MapTypes,
    IReadOnlyList<MatrixDevice>? Details = null);

/// <summary>
/// One device of a matrix as <c>nvidia-smi topo -m</c> describes its GPUs: <see cref="OsNames"/> (<c>nvme0</c>,
/// <c>eth0</c>), the label (class, vendor and device), the NUMA node (-1: the platform does not say), the local CPUs
/// (<c>local_cpulist</c>; null when unknown) and whether it offers p2pmem.
/// </summary>
public sealed record MatrixDevice(string Address, IReadOnlyList<string> OsNames, string? Label, int NumaNode, string? LocalCpus, bool Provider);
