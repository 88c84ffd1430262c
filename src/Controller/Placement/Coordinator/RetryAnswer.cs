using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Controller.Placement;

/// <summary>What to do with a placement or release request, given what its id already names.</summary>
public abstract record RetryOutcome
{
    /// <summary>A placement: the id is new, decide and place.</summary>
    public sealed record New : RetryOutcome;

    /// <summary>A release: free <see cref="Placement"/> on its node, journaling <see cref="ReleaseRequested"/> first when <see cref="Journal"/>.</summary>
    public sealed record Free(PlacementView Placement, bool Journal) : RetryOutcome;

    /// <summary>The same request is being placed right now: wait for its answer.</summary>
    public sealed record Join : RetryOutcome;

    /// <summary>Answer at once with <see cref="Reply"/>.</summary>
    public sealed record Answer(object Reply) : RetryOutcome;
}

/// <summary>
/// Idempotency by request id (§7.2). The same id with the same request: the placement already made (only a committed
/// one is a success; a pending one left by a coordinator that stopped mid-way is settled when its node registers,
/// so "retry later"; one that failed for a passing reason, a 503, is carried out again; a released, lost or
/// otherwise failed one keeps its id, and a new request needs a new one). The same id with another request: a conflict.
/// </summary>
public static class RetryAnswer
{
    public static RetryOutcome Decide<TWaiter>(PlaceBuffer request, string fingerprint, PlacementBook book, InFlightTable<TWaiter> flights)
    {
        if (string.IsNullOrWhiteSpace(request.RequestId))
        {
            return new RetryOutcome.Answer(new PlacementRejected(PlacementErrorKind.Invalid, "requestId is empty", null));
        }
        var existing = book.Find(request.RequestId);
        var flight = flights.Find(request.RequestId);
        if (existing is null)
        {
            // Not journaled yet (events are written asynchronously), or new.
            return flight is null ? new RetryOutcome.New()
                : flight.Fingerprint != fingerprint ? new RetryOutcome.Answer(Conflict(request.RequestId))
                : new RetryOutcome.Join();
        }
        if (book.RequestOf(request.RequestId)!.RequestFingerprint != fingerprint)
        {
            return new RetryOutcome.Answer(Conflict(request.RequestId));
        }
        if (flight is { Releasing: false } && existing.State == PlacementState.Pending)
        {
            return new RetryOutcome.Join();
        }
        if (existing is { State: PlacementState.Failed, Retryable: true } && flight is null)
        {
            return new RetryOutcome.New();  // it failed for a passing reason (a node that did not answer): carried out again
        }
        return new RetryOutcome.Answer(Replay(existing));
    }

    /// <summary>
    /// Release is idempotent: a committed placement is freed, one left releasing is freed again (the node's free is
    /// idempotent too), a finished one answers as it is, and a release already under way is joined.
    /// </summary>
    public static RetryOutcome Release<TWaiter>(string placementId, PlacementBook book, InFlightTable<TWaiter> flights)
        => book.Find(placementId) is not { } placement ? new RetryOutcome.Answer(PlacementQueries.UnknownPlacement(placementId))
            : flights.Find(placementId) is { } flight ? flight.Releasing ? new RetryOutcome.Join()
                : new RetryOutcome.Answer(new PlacementRejected(PlacementErrorKind.Conflict, $"placement '{placementId}' is still being placed", null))
            : placement.State is PlacementState.Committed or PlacementState.Releasing ? new RetryOutcome.Free(placement, placement.State == PlacementState.Committed)
            : new RetryOutcome.Answer(new PlacementFound(placement));

    /// <summary>What makes two requests "the same" for idempotency: everything but the request id.</summary>
    public static string Fingerprint(PlaceBuffer m)
    {
        // Fingerprints are journaled: fields that only shape the answer are left out, so that a request hashes as the
        // version that journaled it did (a test holds one to its value from before FullExplanation existed). Who asked is
        // not the request either: the same request id retried by another client is the same request.
        var node = JsonSerializer.SerializeToNode(m with { RequestId = string.Empty }, ProtocolSerializer.Options)!.AsObject();
        foreach (var answerOnly in new[] { nameof(PlaceBuffer.FullExplanation), nameof(PlaceBuffer.Who) })
        {
            node.Remove(ProtocolSerializer.Options.PropertyNamingPolicy?.ConvertName(answerOnly) ?? answerOnly);
        }
        var json = node.ToJsonString(ProtocolSerializer.Options);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
    }

    private static object Replay(PlacementView existing) => existing.State switch
    {
        PlacementState.Committed => new PlacementAccepted(existing, Existing: true, null),
        PlacementState.Pending => new PlacementRejected(PlacementErrorKind.Unavailable,
            $"placement '{existing.PlacementId}' is still pending on host '{existing.Host}' (settled when the node reports); retry later", null),
        _ => new PlacementRejected(PlacementErrorKind.Conflict,
            $"requestId '{existing.PlacementId}' was already used by a placement that is {existing.State.ToString().ToLowerInvariant()}{(existing.Reason is { } r ? $" ({r})" : string.Empty)}; use a new requestId", null),
    };

    private static PlacementRejected Conflict(string requestId)
        => new(PlacementErrorKind.Conflict, $"requestId '{requestId}' was already used for a different request", null);
}
