using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Node;

/// <summary>Ask a host agent for its topology and every pool's state.</summary>
[Manifest("node.get-host-snapshot.v1")]
public sealed record GetHostSnapshot : IProtocolMessage;

/// <summary>One pool as the node sees it: our books against the kernel's <c>available</c>.</summary>
public sealed record PoolStatus(
    string Provider,
    long CapacityBytes,
    long AvailableBytes,
    long LargestFreeExtentBytes,
    double Fragmentation,
    int AllocationCount,
    long KernelSizeBytes,
    long KernelAvailableBytes,
    bool Published,
    bool Overcommitted,
    IReadOnlyList<AllocationRecord> Allocations);

[Manifest("node.host-snapshot.v1")]
public sealed record HostSnapshot(string Host, TopologyDocument Topology, IReadOnlyList<PoolStatus> Pools) : IProtocolMessage;

/// <summary>Discover the topology again (new providers get pools; shrunken kernel pools are flagged).</summary>
[Manifest("node.rescan.v1")]
public sealed record Rescan : IProtocolMessage;

[Manifest("node.rescan-completed.v1")]
public sealed record RescanCompleted(string Host, IReadOnlyList<string> Providers, IReadOnlyList<string> Overcommitted, IReadOnlyList<DiagnosticDocument> Diagnostics, string? Error) : IProtocolMessage;
