using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>Idempotency by request id, case by case.</summary>
public sealed class RetryAnswerTests
{
    private static readonly PlaceBuffer Request = new("r1", "storage-01", ["0000:03:00.0"], 1 << 20);
    private static readonly string Fingerprint = RetryAnswer.Fingerprint(Request);

    /// <summary>Case: the placement's state in the book (null: not journaled), whether it is in flight, the same body or another; the outcome.</summary>
    public static TheoryData<string, PlacementState?, bool, bool, string> Cases() => new()
    {
        { "a new id is placed", null, false, true, "new" },
        { "same id and body while its first event is being written: joins", null, true, true, "join" },
        { "same id, other body, before its first event is written: conflict", null, true, false, "Conflict" },
        { "same id and body, being placed: joins", PlacementState.Pending, true, true, "join" },
        { "same id and body, pending after a restart: retry later", PlacementState.Pending, false, true, "Unavailable" },
        { "same id and body, committed: the same placement", PlacementState.Committed, false, true, "accepted" },
        { "same id, other body, committed: conflict", PlacementState.Committed, false, false, "Conflict" },
        { "same id and body, released: the id is used up", PlacementState.Released, false, true, "Conflict" },
        { "same id and body, failed: the id is used up", PlacementState.Failed, false, true, "Conflict" },
        { "same id and body, failed for a passing reason (503): placed again", PlacementState.Failed, false, true, "new" },
        { "same id, other body, failed for a passing reason: conflict", PlacementState.Failed, false, false, "Conflict" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Answers(string name, PlacementState? state, bool inFlight, bool sameBody, string expected)
    {
        var retryable = name.Contains("passing reason", StringComparison.Ordinal);
        var book = new PlacementBook();
        if (state is { } s)
        {
            book.Apply(new PlacementRequested("r1", "r1", "storage-01", "0000:04:00.0", ["0000:03:00.0"], 1 << 20, null, "orchestrator", Fingerprint));
            IPlacementEvent? next = s switch
            {
                PlacementState.Committed => new PlacementCommitted("r1", 0, 1 << 20),
                PlacementState.Failed => new PlacementFailed("r1", "node timeout", retryable),
                PlacementState.Released => new PlacementReleased("r1"),
                _ => null,
            };
            if (next is not null)
            {
                book.Apply(next);
            }
        }
        var flights = new InFlightTable<string>();
        if (inFlight)
        {
            flights.StartPlacement("r1", "storage-01", Fingerprint, SampleHost.Request(1 << 20, clients: [SampleHost.Nic]), new PlacementExplanation("storage-01", "orchestrator", null, [], []), "first caller");
        }
        var asked = sameBody ? Request : Request with { SizeBytes = 2 << 20 };
        var outcome = RetryAnswer.Decide(asked, RetryAnswer.Fingerprint(asked), book, flights);
        var actual = outcome switch
        {
            RetryOutcome.New => "new",
            RetryOutcome.Join => "join",
            RetryOutcome.Answer { Reply: PlacementAccepted { Existing: true } } => "accepted",
            RetryOutcome.Answer { Reply: PlacementRejected r } => r.Kind.ToString(),
            _ => outcome.ToString(),
        };
        Assert.True(expected == actual, $"{name}: got {actual}");
    }

    [Fact]
    public void An_empty_request_id_is_invalid()
        => Assert.Equal(PlacementErrorKind.Invalid, ((PlacementRejected)((RetryOutcome.Answer)RetryAnswer.Decide(Request with { RequestId = " " }, Fingerprint, new PlacementBook(), new InFlightTable<string>())).Reply).Kind);

    [Fact]
    public void The_fingerprint_ignores_the_request_id_only()
    {
        Assert.Equal(Fingerprint, RetryAnswer.Fingerprint(Request with { RequestId = "other" }));
        Assert.NotEqual(Fingerprint, RetryAnswer.Fingerprint(Request with { Clients = ["0000:04:00.0"] }));
    }

    public static TheoryData<string, PlacementState?, bool, string> ReleaseCases() => new()
    {
        { "unknown placement: 404", null, false, "UnknownPlacement" },
        { "committed: freed, journaled first", PlacementState.Committed, false, "free+journal" },
        { "left releasing: freed again, nothing new to journal", PlacementState.Releasing, false, "free" },
        { "released: answered as it is", PlacementState.Released, false, "found" },
        { "failed: answered as it is", PlacementState.Failed, false, "found" },
        { "still being placed: conflict", PlacementState.Pending, true, "Conflict" },
    };

    [Theory]
    [MemberData(nameof(ReleaseCases))]
    public void Releases(string name, PlacementState? state, bool placing, string expected)
    {
        var book = new PlacementBook();
        if (state is { } s)
        {
            book.Apply(new PlacementRequested("r1", "r1", "storage-01", "0000:04:00.0", ["0000:03:00.0"], 1 << 20, null, "orchestrator", Fingerprint));
            IPlacementEvent[] path = s switch
            {
                PlacementState.Committed => [new PlacementCommitted("r1", 0, 1 << 20)],
                PlacementState.Releasing => [new PlacementCommitted("r1", 0, 1 << 20), new ReleaseRequested("r1")],
                PlacementState.Released => [new PlacementCommitted("r1", 0, 1 << 20), new ReleaseRequested("r1"), new PlacementReleased("r1")],
                PlacementState.Failed => [new PlacementFailed("r1", "x")],
                _ => [],
            };
            foreach (var e in path)
            {
                book.Apply(e);
            }
        }
        var flights = new InFlightTable<string>();
        if (placing)
        {
            flights.StartPlacement("r1", "storage-01", Fingerprint, SampleHost.Request(1 << 20, clients: [SampleHost.Nic]), new PlacementExplanation("storage-01", "orchestrator", null, [], []), "caller");
        }
        var actual = RetryAnswer.Release("r1", book, flights) switch
        {
            RetryOutcome.Free { Journal: true } => "free+journal",
            RetryOutcome.Free => "free",
            RetryOutcome.Answer { Reply: PlacementFound } => "found",
            RetryOutcome.Answer { Reply: PlacementRejected r } => r.Kind.ToString(),
            var other => other.ToString(),
        };
        Assert.True(expected == actual, $"{name}: got {actual}");

        // A release under way is joined by the next one.
        if (state == PlacementState.Committed)
        {
            flights.StartRelease("r1", "storage-01", "first");
            Assert.IsType<RetryOutcome.Join>(RetryAnswer.Release("r1", book, flights));
        }
    }
}

/// <summary>Fingerprints are journaled: a retry after an upgrade must hash its request as the version that journaled it did.</summary>
public sealed class RequestFingerprintTests
{
    [Fact]
    public void A_request_hashes_as_before_whatever_fields_only_shape_the_answer()
    {
        var request = new PlaceBuffer("r1", "storage-01", ["0000:03:00.0", "0000:05:00.0"], 1 << 20, new NvmeofTarget("nqn.2014-08.org.example:a", 1, 1), new PlacementPolicy("kernel", "PIX"));
        Assert.Equal("51122AFF8C7F09924F4B2B55C95AA959", RetryAnswer.Fingerprint(request));
        Assert.Equal(RetryAnswer.Fingerprint(request), RetryAnswer.Fingerprint(request with { FullExplanation = false }));
        Assert.NotEqual(RetryAnswer.Fingerprint(request), RetryAnswer.Fingerprint(request with { SizeBytes = 2 << 20 }));
    }
}
