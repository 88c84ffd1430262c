using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Placement;

/// <summary>What to do with a placement request after deciding on the host's current view.</summary>
public abstract record Admission
{
    /// <summary>Answer with this refusal (400, 404, 409, 422, 503).</summary>
    public sealed record Refused(PlacementRejected Rejection) : Admission;

    /// <summary>Nothing fits only because of bytes in flight on the host: decide again once they are answered.</summary>
    public sealed record Wait : Admission;

    /// <summary>Allocate on <see cref="Provider"/>.</summary>
    public sealed record Place(string Provider, PlacementRequest Request, PlacementExplanation Explanation) : Admission;
}

/// <summary>
/// The coordinator's decisions before and between allocation attempts: validation against the host, status and
/// drain, then §5.4 on the node's figures (<see cref="PlacementDecider"/>); after a node refusal for space, the same
/// decision again on the figures the refusal carried, a bounded number of times.
/// </summary>
public static class PlacementAdmission
{
    public const int MaxAttempts = 3;

    public static Admission Admit(HostState? host, PlaceBuffer m, Random random, bool journaledFor = false)
    {
        if (RequestValidation.Validate(host, m, out var request) is { } invalid)
        {
            return new Admission.Refused(invalid.Kind == PlacementErrorKind.UnknownHost && journaledFor
                ? new PlacementRejected(PlacementErrorKind.Unavailable,
                    $"host '{m.Host}' has not registered with this controller yet (it has journaled placements: the controller restarted or moved); retry shortly", null)
                : invalid);
        }
        if (host!.Status != HostStatus.Up)
        {
            return new Admission.Refused(new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{m.Host}' is {host.Status}", null));
        }
        if (host.Drained)
        {
            return new Admission.Refused(new PlacementRejected(PlacementErrorKind.Draining, $"host '{m.Host}' is draining", null));
        }
        request = request! with { FullExplanation = m.FullExplanation };
        var decision = PlacementDecider.Decide(host, request, random);
        return decision.Chosen is { } provider ? new Admission.Place(provider, request, decision.Explanation)
            : Otherwise(decision, m.Host, $"no provider on '{m.Host}' fits: see the explanation");
    }

    /// <summary>When nothing was chosen: wait for bytes in flight, 503 for an unavailable pool (a passing state), else the refusal.</summary>
    private static Admission Otherwise(PlacementDecision decision, string host, string refusal)
        => decision.WaitsForInFlight ? new Admission.Wait()
            : decision.Unavailable is { } why ? new Admission.Refused(new PlacementRejected(PlacementErrorKind.Unavailable, $"no provider on '{host}' can take it now ({why}); retry later", decision.Explanation))
            : new Admission.Refused(new PlacementRejected(PlacementErrorKind.NoCompatibleProvider, refusal, decision.Explanation));

    /// <summary>After the node refused attempt <paramref name="attempts"/> for <paramref name="refusal"/>: the next provider, a wait, or the refusal with a fresh explanation.</summary>
    public static Admission AfterRefusal(HostState? host, string hostName, PlacementRequest request, int attempts, string refusal, Random random)
    {
        if (host is not { Status: HostStatus.Up })
        {
            return new Admission.Refused(new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{hostName}' is {host?.Status.ToString() ?? "gone"}: {refusal}", null));
        }
        var decision = PlacementDecider.Decide(host, request, random);
        return decision.Chosen is not { } next ? Otherwise(decision, hostName, refusal)
            : attempts < MaxAttempts ? new Admission.Place(next, request, decision.Explanation)
            // A provider still fits, but the node refused every attempt (its figures changed, a pool went down): passing, so 503, never "nothing fits".
            : new Admission.Refused(new PlacementRejected(PlacementErrorKind.Unavailable,
                $"host '{hostName}' refused {attempts} attempts, the last because {refusal}; retry later", decision.Explanation));
    }
}
