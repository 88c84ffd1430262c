namespace Orchestrator.Protocol.Node;

/// <summary>Point an nvmet namespace's p2pmem at a provider (ARCHITECTURE §7.4).</summary>
[Manifest("node.apply-nvmet.v1")]
public sealed record ApplyNvmet(string AllocationId, string Provider, string SubsystemNqn, int NamespaceId) : IControllerRequest;

/// <summary>Give the namespace back to host memory (writes 0).</summary>
[Manifest("node.release-nvmet.v1")]
public sealed record ReleaseNvmet(string AllocationId, string SubsystemNqn, int NamespaceId) : IControllerRequest;

public enum NvmetOutcome
{
    Applied,

    /// <summary>The namespace is enabled: the kernel only takes p2pmem while <c>enable</c> reads 0.</summary>
    Busy,

    /// <summary>No such subsystem or namespace under the configfs root.</summary>
    Missing,

    /// <summary>Applying is switched off on this node.</summary>
    Disabled,

    Error,
}

[Manifest("node.nvmet-result.v1")]
public sealed record NvmetResult(string AllocationId, NvmetOutcome Outcome, string Message) : INodeReport;
