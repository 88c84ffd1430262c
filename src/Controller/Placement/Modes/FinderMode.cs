using Orchestrator.Protocol;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// A mode that takes exactly the provider a <see cref="FindPolicy"/> would choose, and is refused when that one
/// fails a hard filter (no room, draining, …): it shows what the kernel's or the 2017 proposal's choice costs.
/// </summary>
public sealed class FinderMode(FindPolicy policy, string noneChosen, string otherChosen) : IPlacementMode
{
    /// <summary>What Linux <c>pci_p2pmem_find_many</c> would choose (random among ties).</summary>
    public static readonly FinderMode Kernel = new(FindPolicy.Kernel, "the kernel would choose no provider", "the kernel's find_many chose {0}");

    /// <summary>The 2017 proposal: one switch upstream port for all, first in address order.</summary>
    public static readonly FinderMode Rfc2017 = new(FindPolicy.Rfc2017, "no provider shares one switch upstream port with every client", "rfc2017 takes the first match, {0}");

    public string Name => policy.Name;

    public Func<PciAddress, string?> Restriction(HostState host, IReadOnlyList<PciAddress> clients, Random random)
    {
        var choice = host.Finder.Find(clients, policy, random).Provider;
        return provider => choice == provider ? null
            : choice is null ? noneChosen
            : string.Format(System.Globalization.CultureInfo.InvariantCulture, otherChosen, choice);
    }
}
