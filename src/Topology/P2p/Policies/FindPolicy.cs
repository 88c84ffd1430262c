using Orchestrator.Protocol;

namespace Orchestrator.Topology.P2p;

/// <summary>
/// How a provider is chosen among the published ones (ARCHITECTURE §5.3): which candidates a policy accepts, and
/// which of the accepted it picks. One type per policy, so a finder or a placement mode never branches on a name.
/// </summary>
public abstract class FindPolicy
{
    /// <summary>Linux <c>pci_p2pmem_find_many</c>: minimum distance sum, ties broken at random, capacity ignored.</summary>
    public static readonly FindPolicy Kernel = new KernelFindPolicy();

    /// <summary>The original 2017 proposal: provider and every client behind the same switch upstream port; first match in address order.</summary>
    public static readonly FindPolicy Rfc2017 = new Rfc2017FindPolicy();

    /// <summary>The policy's name as operators type it (<c>kernel</c>, <c>rfc2017</c>).</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Whether the policy accepts a provider for the clients (indices into <paramref name="rules"/>), with the reason;
    /// <paramref name="distanceSum"/> is the kernel's <c>distance_many</c>, -1 when some client is not supported.
    /// </summary>
    public abstract (bool Compatible, string Reason) Judge(P2pRules rules, int provider, int[] clients, int distanceSum);

    /// <summary>The choice among <paramref name="candidates"/> (in address order), and the ties it chose from.</summary>
    public abstract FindResult Choose(IReadOnlyList<FindCandidate> candidates, Random random);

    public override string ToString() => Name;
}

/// <summary>One provider considered by a find: its kernel distance sum and whether the policy accepts it.</summary>
public sealed record FindCandidate(PciAddress Provider, int Distance, bool Compatible, string Reason);

/// <summary>The outcome of a find: the chosen provider (null when none), its distance, every tie and every candidate.</summary>
public sealed record FindResult(FindPolicy Policy, PciAddress? Provider, int Distance, IReadOnlyList<PciAddress> Ties, IReadOnlyList<FindCandidate> Candidates);
