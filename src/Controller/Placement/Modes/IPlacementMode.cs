using Orchestrator.Protocol;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// A placement mode (§5.3–5.4): what it adds to §5.4's hard filters. Every mode shares the filters (published,
/// kernel verdict, level, drain, overcommit, contiguous space, pin) and the ranking; a mode may only restrict further.
/// </summary>
public interface IPlacementMode
{
    /// <summary>The name a request gives (<c>policy.mode</c>) and the journal records.</summary>
    string Name { get; }

    /// <summary>
    /// For one decision, the mode's own verdict on a provider that passed every hard filter: null accepts it, a
    /// string is the reason it is rejected. Computed once per decision (a kernel mode runs its find once).
    /// </summary>
    Func<PciAddress, string?> Restriction(HostState host, IReadOnlyList<PciAddress> clients, Random random);
}
