namespace Orchestrator.Topology.P2p;

/// <summary>
/// How far apart two functions are, in the vocabulary of <c>nvidia-smi topo -m</c> (ARCHITECTURE §5.5).
/// Ordered from closest to farthest, so a request's <c>maxLevel</c> compares with &lt;=.
/// </summary>
public enum P2pLevel
{
    /// <summary>The same function.</summary>
    X,

    /// <summary>At most one PCIe bridge or switch between them, no host bridge.</summary>
    PIX,

    /// <summary>Several bridges or switches, no host bridge.</summary>
    PXB,

    /// <summary>Through one host bridge (different root ports).</summary>
    PHB,

    /// <summary>Across host bridges within one NUMA node (or NUMA unknown).</summary>
    NODE,

    /// <summary>Across host bridges on NUMA nodes known to differ.</summary>
    SYS,
}
