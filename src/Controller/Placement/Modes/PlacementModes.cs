namespace Orchestrator.Controller.Placement;

/// <summary>The placement modes by name.</summary>
public static class PlacementModes
{
    public static readonly IPlacementMode Orchestrator = new OrchestratorMode();

    public static readonly IReadOnlyList<IPlacementMode> All = [Orchestrator, FinderMode.Kernel, FinderMode.Rfc2017];

    /// <summary>The names, for messages: "orchestrator, kernel, rfc2017".</summary>
    public static readonly string Names = string.Join(", ", All.Select(m => m.Name));

    /// <summary>A mode by name (case-insensitive); none given is <c>orchestrator</c>; an unknown name is null.</summary>
    public static IPlacementMode? Parse(string? name)
        => name is null ? Orchestrator : All.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));
}
