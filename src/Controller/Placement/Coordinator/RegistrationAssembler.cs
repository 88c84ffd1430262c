using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// Puts registrations sent in parts (<see cref="RegistrationParts"/>) back together, one per host. Reconciliation
/// sees only whole registrations: a pool whose parts did not all arrive, in order, from the agent that sent the header
/// would read as missing buffers, and missing buffers become suspects. Anything incomplete or inconsistent is dropped;
/// the agent's next registration carries everything again.
/// </summary>
internal sealed class RegistrationAssembler<TAgent>
    where TAgent : class
{
    private readonly Dictionary<string, Assembly> pending = new(StringComparer.Ordinal);

    public int Pending => pending.Count;

    /// <summary>A registration to act on now (one sent whole), or null while its parts are awaited.</summary>
    public RegisterHost? Begin(RegisterHost header, TAgent agent)
    {
        pending.Remove(header.Host);
        if (header.Parts <= 0)
        {
            return header;
        }
        pending[header.Host] = new Assembly(header, agent);
        return null;
    }

    /// <summary>
    /// Adds a part: the whole registration once its last part arrived, else null; <c>Problem</c> says why a part
    /// was dropped (with its registration) when it does not fit the registration it claims to belong to.
    /// </summary>
    public (RegisterHost? Whole, string? Problem) Add(RegisterHostPart part, TAgent agent)
    {
        if (!pending.TryGetValue(part.Host, out var assembly) || !EqualityComparer<TAgent>.Default.Equals(assembly.Agent, agent)
            || assembly.Header.Incarnation != part.Incarnation || assembly.Header.Registration != part.Registration)
        {
            // A part of a registration that a newer one replaced, or from another agent: it belongs to nothing we await.
            return (null, $"host {part.Host}: ignoring part {part.Part} of registration {part.Registration}: no such registration is being received from that agent");
        }
        if (part.Part != assembly.Received || !assembly.Allocations.TryGetValue(part.Provider, out var allocations))
        {
            pending.Remove(part.Host);
            return (null, $"host {part.Host}: registration {part.Registration} dropped: part {part.Part} (pool {part.Provider}) arrived where part {assembly.Received} of a listed pool was expected");
        }
        allocations.AddRange(part.Allocations);
        assembly.Received++;
        if (assembly.Received < assembly.Header.Parts)
        {
            return (null, null);
        }
        pending.Remove(part.Host);
        var pools = assembly.Header.Pools.Select(p => p with { Allocations = assembly.Allocations[p.Provider] }).ToList();
        if (pools.FirstOrDefault(p => p.Unavailable is null && p.Allocations.Count != p.AllocationCount) is { } incomplete)
        {
            return (null, $"host {part.Host}: registration {part.Registration} dropped: its parts list {incomplete.Allocations.Count} allocations of pool {incomplete.Provider}, which holds {incomplete.AllocationCount}");
        }
        return (assembly.Header with { Pools = pools, Parts = 0 }, null);
    }

    private sealed class Assembly(RegisterHost header, TAgent agent)
    {
        public RegisterHost Header { get; } = header;

        public TAgent Agent { get; } = agent;

        public int Received { get; set; }

        public Dictionary<string, List<AllocationRecord>> Allocations { get; } = header.Pools.DistinctBy(p => p.Provider).ToDictionary(p => p.Provider, _ => new List<AllocationRecord>(), StringComparer.Ordinal);
    }
}
