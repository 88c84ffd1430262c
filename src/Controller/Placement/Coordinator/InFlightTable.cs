using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// Who waits for which placement or release while it is being carried out, and the decisions waiting for bytes in
/// flight on a host. A placement is in the table from its decision until its answer, including the moment before
/// its <see cref="PlacementRequested"/> is journaled (events are written asynchronously): its fingerprint then
/// answers a retry. Plain C#: a waiter is whatever the caller answers.
/// </summary>
public sealed class InFlightTable<TWaiter>
{
    private readonly Dictionary<string, Flight> flights = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Action>> parked = new(StringComparer.Ordinal);

    public sealed class Flight(string host, bool releasing, string? fingerprint, PlacementRequest? request)
    {
        public string Host { get; } = host;

        /// <summary>A release (not a placement) is in flight.</summary>
        public bool Releasing { get; } = releasing;

        /// <summary>The request's fingerprint (placements only), for a retry that arrives before its first event is journaled.</summary>
        public string? Fingerprint { get; } = fingerprint;

        /// <summary>The validated request (placements only), decided again after a node refusal.</summary>
        public PlacementRequest? Request { get; } = request;

        public List<TWaiter> Waiters { get; } = [];

        /// <summary>The latest decision's explanation, sent with the answer.</summary>
        public PlacementExplanation? Explanation { get; set; }

        /// <summary>The REST client that asked (placements only), journaled again with a decision taken anew.</summary>
        public string? Who { get; init; }

        /// <summary>Allocation attempts sent so far; an answer for an earlier attempt is stale.</summary>
        public int Attempt { get; set; }

        /// <summary>What the current attempt reserves in the pool's view: provider and bytes.</summary>
        public (string Provider, long Bytes)? Reserved { get; set; }
    }

    public int Count => flights.Count;

    public bool Contains(string id) => flights.ContainsKey(id);

    public Flight? Find(string id) => flights.GetValueOrDefault(id);

    public Flight StartPlacement(string id, string host, string fingerprint, PlacementRequest request, PlacementExplanation explanation, TWaiter waiter, string? who = null)
        => Start(id, new Flight(host, releasing: false, fingerprint, request) { Explanation = explanation, Who = who }, waiter);

    public Flight StartRelease(string id, string host, TWaiter waiter) => Start(id, new Flight(host, releasing: true, null, null), waiter);

    /// <summary>Ends a flight; returns who waited for it (none when it was not in flight).</summary>
    public IReadOnlyList<TWaiter> Finish(string id) => flights.Remove(id, out var flight) ? flight.Waiters : [];

    /// <summary>Keeps a decision until the bytes in flight on <paramref name="host"/> are answered.</summary>
    public void Park(string host, Action decideAgain)
    {
        if (!parked.TryGetValue(host, out var list))
        {
            parked[host] = list = [];
        }
        list.Add(decideAgain);
    }

    /// <summary>The decisions parked on a host, removed: the caller takes each again (and it may park again).</summary>
    public IReadOnlyList<Action> Unpark(string host) => parked.Remove(host, out var list) ? list : [];

    private Flight Start(string id, Flight flight, TWaiter waiter)
    {
        flight.Waiters.Add(waiter);
        flights[id] = flight;
        return flight;
    }
}
