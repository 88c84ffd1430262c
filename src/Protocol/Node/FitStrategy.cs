namespace Orchestrator.Protocol.Node;

/// <summary>How a pool chooses a free extent for a buffer.</summary>
public enum FitStrategy
{
    /// <summary>The lowest address that fits: the kernel's <c>gen_pool_first_fit</c>.</summary>
    FirstFit,

    /// <summary>The smallest free extent that fits, keeping big extents for big requests.</summary>
    BestFit,
}
