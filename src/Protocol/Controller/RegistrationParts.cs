using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Protocol.Controller;

/// <summary>
/// Splits a registration into messages that each fit a remoting frame, and puts it back together on the controller.
/// A host with 250,000 buffers lists about 40 MB of allocations: sent whole, Akka.Remote drops it as oversized and the
/// host never reconciles again while its node keeps granting buffers.
/// </summary>
public static class RegistrationParts
{
    /// <summary>The registration as one message when it is small enough, else a header without allocations and its parts.</summary>
    public static (RegisterHost Header, IReadOnlyList<RegisterHostPart> Parts) Split(RegisterHost whole, int allocationsPerPart = RemotingLimits.AllocationsPerMessage)
    {
        if (whole.Pools.Sum(p => p.Allocations.Count) <= allocationsPerPart)
        {
            return (whole with { Parts = 0 }, []);
        }
        var parts = new List<RegisterHostPart>();
        foreach (var pool in whole.Pools)
        {
            foreach (var chunk in pool.Allocations.Chunk(allocationsPerPart))
            {
                parts.Add(new RegisterHostPart(whole.Host, whole.Incarnation, whole.Registration, parts.Count, pool.Provider, chunk));
            }
        }
        return (whole with { Pools = [.. whole.Pools.Select(p => p with { Allocations = [] })], Parts = parts.Count }, parts);
    }
}
