using Orchestrator.Protocol;

namespace Orchestrator.Controller.Placement;

/// <summary>Our policy (§5.4), the default: kernel-legal, capacity-aware, ranked, deterministic. It restricts nothing beyond the hard filters.</summary>
public sealed class OrchestratorMode : IPlacementMode
{
    private static readonly Func<PciAddress, string?> AcceptAll = _ => null;

    public string Name => "orchestrator";

    public Func<PciAddress, string?> Restriction(HostState host, IReadOnlyList<PciAddress> clients, Random random) => AcceptAll;
}
