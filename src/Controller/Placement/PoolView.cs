using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// What the controller knows of one pool: the node's last exact figures (<see cref="Reported"/>, never adjusted by
/// our own arithmetic), less the bytes of placements sent to the node and not yet answered. Subtracting those from
/// both the free bytes and the largest free extent is a lower bound (the node carves every buffer from the start of
/// a free extent), so concurrent requests spread over providers instead of racing for the same bytes, and a node
/// refusal for space means the node's figures changed under us, never that we guessed.
/// </summary>
public sealed class PoolView(PoolSummary reported)
{
    // The node refused for the pool's unavailability: so until its next report, whatever revision that has.
    private string? refusedUnavailable;

    // The registration showed the pool's journal went back in time: so until a registration shows it restored.
    private string? distrusted;

    public PoolSummary Reported { get; private set; } = reported;

    /// <summary>Bytes (in whole granules) of allocations sent to the node and not yet answered.</summary>
    public long InFlightBytes { get; private set; }

    public long AvailableBytes => Math.Max(0, Reported.AvailableBytes - InFlightBytes);

    public long LargestFreeExtentBytes => Math.Max(0, Reported.LargestFreeExtentBytes - InFlightBytes);

    /// <summary>Takes the node's figures unless they are older than the ones we have (replies can overtake each other).</summary>
    public bool Take(PoolSummary summary)
    {
        if (summary.Revision < Reported.Revision)
        {
            return false;
        }
        Reported = summary;
        refusedUnavailable = null;
        return true;
    }

    /// <summary>The node's reason why the pool cannot be used now, or null.</summary>
    public string? Unavailable => distrusted ?? refusedUnavailable ?? Reported.Unavailable;

    /// <summary>The pool's books cannot be trusted (<see cref="Reconciler.Rewound"/>): no reply of the node clears that, only the next registration's view.</summary>
    public void Distrust(string reason) => distrusted = reason;

    /// <summary>The node refused for the pool's unavailability: the view says so until the node reports the pool again.</summary>
    public void MarkUnavailable(string reason) => refusedUnavailable = reason;

    public void Reserve(long bytes) => InFlightBytes += bytes;

    public void Unreserve(long bytes) => InFlightBytes = Math.Max(0, InFlightBytes - bytes);
}
