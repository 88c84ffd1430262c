namespace Orchestrator.Topology.Model;

/// <summary>Something odd a reader met and worked around: which input (file, line) and what was wrong.</summary>
public sealed record TopologyDiagnostic(string Source, string Message)
{
    public override string ToString() => $"{Source}: {Message}";
}
