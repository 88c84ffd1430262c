using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>Reconciliation (§7.3) case by case: the book holds one placement in a given state, the node reports (or not) a buffer.</summary>
public sealed class ReconcilerTests
{
    private const string Host = "storage-01";
    private const string P = "0000:04:00.0";
    private const string Q = "0000:05:00.0";

    /// <summary>Case: the placement's state in the book (null: unknown), where the node holds the id (null: nowhere), whether it is in flight; then what the plan must say.</summary>
    public static TheoryData<string, PlacementState?, string?, bool, string> Cases() => new()
    {
        { "buffer the book has no placement for: unknown, kept", null, P, false, "unknown" },
        { "buffer on another provider than the placement's: freed", PlacementState.Committed, Q, false, "free+suspect" },
        { "buffer of a released placement: freed", PlacementState.Released, P, false, "free" },
        { "buffer of a failed placement: freed", PlacementState.Failed, P, false, "free" },
        { "buffer of a lost placement: freed", PlacementState.Lost, P, false, "free" },
        { "pending left by a restart and held: committed at the node's extent", PlacementState.Pending, P, false, "committed" },
        { "pending left by a restart and not held: failed", PlacementState.Pending, null, false, "failed" },
        { "pending in flight: left to its own answer", PlacementState.Pending, null, true, "nothing" },
        { "releasing and still held: freed again", PlacementState.Releasing, P, false, "free" },
        { "releasing and no longer held: released", PlacementState.Releasing, null, false, "released" },
        { "committed and held: nothing to do", PlacementState.Committed, P, false, "nothing" },
        { "committed and not reported: only a suspect", PlacementState.Committed, null, false, "suspect" },
        { "committed, not reported, but in flight: left alone", PlacementState.Committed, null, true, "nothing" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Plans(string name, PlacementState? state, string? heldOn, bool inFlight, string expected)
    {
        var book = Book(state);
        var pools = new[] { P, Q }.Select(p => Pool(p, heldOn == p ? [new AllocationRecord("x", 8192, 4096, 4096, 0)] : [])).ToList();
        var plan = Reconciler.Plan(Host, pools, book, id => inFlight && id == "x");
        var actual = new List<string>();
        if (plan.Frees.Count > 0)
        {
            Assert.Equal(new FreeBuffer(heldOn!, "x"), Assert.Single(plan.Frees));
            actual.Add("free");
        }
        if (plan.Unknown.Count > 0)
        {
            Assert.Equal(new FreeBuffer(heldOn!, "x"), Assert.Single(plan.Unknown));
            actual.Add("unknown");
        }
        actual.AddRange(plan.Events.Select(e => e switch
        {
            PlacementCommitted c => c == new PlacementCommitted("x", 8192, 4096, 0, Host, heldOn) ? "committed" : $"wrong {c}",
            PlacementFailed => "failed",
            PlacementReleased => "released",
            _ => e.GetType().Name,
        }));
        if (plan.Suspects.Count > 0)
        {
            Assert.Equal(["x"], plan.Suspects);
            actual.Add("suspect");
        }
        Assert.True((actual.Count == 0 ? "nothing" : string.Join('+', actual)) == expected, $"{name}: got {string.Join('+', actual)}");
    }

    /// <summary>"Lost" needs proof: a pool that is down, or missing from the report, proves no absence.</summary>
    [Theory]
    [InlineData("committed on a pool that is down", PlacementState.Committed, "down")]
    [InlineData("committed on a pool missing from the report", PlacementState.Committed, "missing")]
    [InlineData("pending on a pool that is down", PlacementState.Pending, "down")]
    [InlineData("releasing on a pool missing from the report", PlacementState.Releasing, "missing")]
    public void A_pool_that_cannot_report_leaves_its_placements_alone(string name, PlacementState state, string how)
    {
        var book = Book(state);
        IReadOnlyList<PoolStatus> pools = how == "down" ? [PoolStatus.CannotReport(P, "its journal cannot be written"), Pool(Q, [])] : [Pool(Q, [])];
        var plan = Reconciler.Plan(Host, pools, book, _ => false);
        Assert.True(plan.Events.Count == 0 && plan.Frees.Count == 0 && plan.Suspects.Count == 0, name);
        var fresh = new HostSnapshot(Host, new Protocol.Topology.TopologyDocument { Host = Host }, pools);
        Assert.Empty(Reconciler.ConfirmLost(Host, ["x"], fresh, book, _ => false));
    }

    [Theory]
    [InlineData("still missing from a fresh snapshot: lost", PlacementState.Committed, false, false, true)]
    [InlineData("held in the fresh snapshot (the registration crossed the commit): kept", PlacementState.Committed, true, false, false)]
    [InlineData("released meanwhile: nothing lost", PlacementState.Released, false, false, false)]
    [InlineData("in flight meanwhile: left to its answer", PlacementState.Committed, false, true, false)]
    public void Confirms_a_loss_only_on_a_fresh_snapshot(string name, PlacementState state, bool heldNow, bool inFlight, bool lost)
    {
        var book = Book(state);
        var fresh = new HostSnapshot(Host, new Protocol.Topology.TopologyDocument { Host = Host }, [Pool(P, heldNow ? [new AllocationRecord("x", 0, 4096, 4096, 0)] : [])]);
        var events = Reconciler.ConfirmLost(Host, ["x"], fresh, book, id => inFlight);
        Assert.True(lost == (events.Count == 1 && events[0] is PlacementLost { PlacementId: "x" }), name);
    }

    private static PlacementBook Book(PlacementState? state)
    {
        var book = new PlacementBook();
        if (state is not { } s)
        {
            return book;
        }
        book.Apply(new PlacementRequested("x", "x", Host, P, ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
        IPlacementEvent[] path = s switch
        {
            PlacementState.Pending => [],
            PlacementState.Committed => [new PlacementCommitted("x", 8192, 4096)],
            PlacementState.Releasing => [new PlacementCommitted("x", 8192, 4096), new ReleaseRequested("x")],
            PlacementState.Released => [new PlacementCommitted("x", 8192, 4096), new ReleaseRequested("x"), new PlacementReleased("x")],
            PlacementState.Failed => [new PlacementFailed("x", "timeout")],
            _ => [new PlacementCommitted("x", 8192, 4096), new PlacementLost("x", "gone")],
        };
        foreach (var e in path)
        {
            book.Apply(e);
        }
        Assert.Equal(s, book.Find("x")!.State);
        return book;
    }

    private static PoolStatus Pool(string provider, IReadOnlyList<AllocationRecord> allocations)
        => new(provider, 1 << 20, 1 << 20, 1 << 20, 0, allocations.Count, 1 << 20, 1 << 20, true, false, allocations);

    [Theory]
    [InlineData("first registration of a host: taken", null, "node-1", PlacementState.Committed, false)]
    [InlineData("the identity its placements are journaled under: taken", "node-1", "node-1", PlacementState.Committed, false)]
    [InlineData("another identity while placements are live: refused", "node-1", "node-2", PlacementState.Committed, true)]
    [InlineData("another identity while a placement is pending: refused", "node-1", "node-2", PlacementState.Pending, true)]
    [InlineData("another identity, nothing live any more: taken", "node-1", "node-2", PlacementState.Released, false)]
    public void A_host_back_under_another_identity_with_live_placements_is_refused(string name, string? recorded, string identity, PlacementState state, bool refused)
    {
        var book = Book(state);
        if (recorded is not null)
        {
            book.Apply(new HostIdentified(Host, recorded));
        }
        var registration = new RegisterHost(Host, new Protocol.Topology.TopologyDocument { Host = Host }, [], 1, identity);
        var refusal = Reconciler.IdentityRefusal(registration, book);
        Assert.True(refused == (refusal is not null), $"{name}: {refusal}");
        if (refusal is not null)
        {
            Assert.Contains("journal was replaced, emptied or lost", refusal, StringComparison.Ordinal);
        }
    }

    /// <summary>A pool whose journal is older than a live placement's commit on it proves nothing: no loss, no orphan freed.</summary>
    [Theory]
    [InlineData("pool at the commit's revision: trusted", PlacementState.Committed, 7, 7, false)]
    [InlineData("pool past the commit's revision: trusted", PlacementState.Committed, 7, 9, false)]
    [InlineData("pool before the commit's revision: rewound", PlacementState.Committed, 7, 6, true)]
    [InlineData("releasing placement, pool before its commit: rewound", PlacementState.Releasing, 7, 6, true)]
    [InlineData("released placement: nothing live to miss", PlacementState.Released, 7, 6, false)]
    [InlineData("commit revision unknown (journaled before revisions): trusted", PlacementState.Committed, 0, 1, false)]
    public void A_pool_whose_journal_went_back_in_time_proves_nothing(string name, PlacementState state, long committedAt, long reported, bool rewound)
    {
        var book = new PlacementBook();
        book.Apply(new PlacementRequested("x", "x", Host, P, ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
        book.Apply(new PlacementCommitted("x", 8192, 4096, committedAt));
        if (state != PlacementState.Committed)
        {
            book.Apply(new ReleaseRequested("x"));
        }
        if (state == PlacementState.Released)
        {
            book.Apply(new PlacementReleased("x"));
        }
        book.Apply(new PlacementRequested("y", "y", Host, Q, ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
        book.Apply(new PlacementCommitted("y", 0, 4096, 99));
        book.Apply(new PlacementRequested("orphan", "orphan", Host, P, ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
        book.Apply(new PlacementFailed("orphan", "the node did not answer"));  // it allocated late: an orphan to free
        IReadOnlyList<PoolStatus> pools = [Pool(P, [new AllocationRecord("orphan", 0, 4096, 4096, 0)]) with { Revision = reported }, Pool(Q, []) with { Revision = 100 }];

        var found = Reconciler.Rewound(Host, pools, book);
        Assert.True(rewound == found.ContainsKey(P), name);
        Assert.False(found.ContainsKey(Q));
        var plan = Reconciler.Plan(Host, Reconciler.WithoutRewound(pools, found), book, _ => false);
        Assert.Equal(rewound ? [] : ["orphan"], plan.Frees.Select(f => f.AllocationId));
        var fresh = new HostSnapshot(Host, new Protocol.Topology.TopologyDocument { Host = Host }, pools);
        Assert.Equal(rewound || state == PlacementState.Released ? [] : ["x"], Reconciler.ConfirmLost(Host, ["x"], fresh, book, _ => false).Select(e => ((PlacementLost)e).PlacementId));
    }

    /// <summary>
    /// A registration read before a grant can arrive after it (the agent and the pool send on their own): from the same
    /// node process, a revision below one the controller already had is late, not a journal gone back in time.
    /// </summary>
    [Theory]
    [InlineData("late report of the process that granted at 62: not rewound", 62, false)]
    [InlineData("nothing seen at the commit's revision (a restarted node): rewound", 60, true)]
    public void A_late_registration_of_the_same_node_process_is_not_a_rewound_journal(string name, long seen, bool rewound)
    {
        var book = new PlacementBook();
        book.Apply(new PlacementRequested("x", "x", Host, P, ["0000:03:00.0"], 4096, null, "orchestrator", "fp"));
        book.Apply(new PlacementCommitted("x", 0, 4096, 62));
        IReadOnlyList<PoolStatus> late = [Pool(P, []) with { Revision = 61 }];
        Assert.True(rewound == Reconciler.Rewound(Host, late, book, provider => provider == P ? seen : 0).ContainsKey(P), name);
    }
}
