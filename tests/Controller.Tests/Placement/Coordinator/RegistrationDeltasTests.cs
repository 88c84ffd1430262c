using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>
/// A delta registration comes back as the pool's whole books, exactly, or not at all: whatever it cannot be rebuilt
/// from (another process, books it does not hold, a count that does not add up) asks the node for everything.
/// </summary>
public sealed class RegistrationDeltasTests
{
    private const string Host = "storage-01";
    private const string P = "0000:04:00.0";
    private const string Q = "0000:05:00.0";

    [Fact]
    public void A_delta_on_the_books_held_gives_back_every_buffer_held_now()
    {
        var deltas = new RegistrationDeltas();
        deltas.Remember(Whole(1, Pool(P, 20, ["a", "b", "c"]), Pool(Q, 7, ["q"])));

        // After revision 20: "b" freed, "d" granted; Q unchanged.
        var (whole, resync) = deltas.Resolve(Registration(1, Delta(P, 20, 23, count: 3, granted: ["d"], freed: ["b"]), Delta(Q, 7, 7, count: 1)));
        Assert.Null(resync);
        Assert.Equal(["a", "c", "d"], Ids(whole!, P));
        Assert.Equal(["q"], Ids(whole!, Q));
        Assert.All(whole!.Pools, p => Assert.False(p.IsDelta));
        Assert.Equal([("whole", 0), ("delta", 1), ("resync", 0)], deltas.Counts.Select(c => (c.State, c.Count)));

        // The next delta starts at the books just rebuilt once they are kept, or at older ones the node still counts from.
        deltas.Remember(whole!);
        Assert.Equal(["c", "d", "e"], Ids(deltas.Resolve(Registration(1, Delta(P, 23, 25, count: 3, granted: ["e"], freed: ["a"]), Delta(Q, 7, 7, count: 1))).Whole!, P));
        Assert.Equal(["a", "c", "d", "e"], Ids(deltas.Resolve(Registration(1, Delta(P, 20, 25, count: 4, granted: ["d", "e"], freed: ["b"]), Delta(Q, 7, 7, count: 1))).Whole!, P));
    }

    [Fact]
    public void An_id_freed_and_granted_again_is_held_at_its_new_extent()
    {
        var deltas = new RegistrationDeltas();
        deltas.Remember(Whole(1, Pool(P, 20, ["a"])));
        var again = new AllocationRecord("a", 1 << 20, 4096, 4096, 0);
        var (whole, _) = deltas.Resolve(Registration(1, Delta(P, 20, 22, count: 1, granted: [], freed: ["a"]) with { Allocations = [again] }));
        Assert.Equal(again, whole!.Pools.Single().Allocations.Single());
    }

    [Theory]
    [InlineData("another incarnation", "holds no books of node node-a incarnation 2")]
    [InlineData("another identity", "holds no books of node node-b incarnation 1")]
    [InlineData("a pool it holds no books of", "pool 0000:05:00.0: a delta from revision 7, but this controller holds no books of the pool")]
    [InlineData("a delta from after the books held", "a delta from revision 21 to 23 does not apply to the books this controller holds, at revision 20")]
    [InlineData("a count that does not add up", "rebuilds 3 buffers, but the pool holds 4")]
    public void What_cannot_be_rebuilt_exactly_asks_for_everything(string why, string reason)
    {
        var deltas = new RegistrationDeltas();
        deltas.Remember(Whole(1, Pool(P, 20, ["a", "b", "c"])));
        var m = why switch
        {
            "another incarnation" => Registration(2, Delta(P, 20, 23, count: 3)),
            "another identity" => Registration(1, Delta(P, 20, 23, count: 3)) with { Identity = "node-b" },
            "a pool it holds no books of" => Registration(1, Delta(P, 20, 23, count: 3), Delta(Q, 7, 7, count: 0)),
            "a delta from after the books held" => Registration(1, Delta(P, 21, 23, count: 3)),
            _ => Registration(1, Delta(P, 20, 23, count: 4)),
        };
        var (whole, resync) = deltas.Resolve(m);
        Assert.Null(whole);
        Assert.Contains(reason, resync, StringComparison.Ordinal);
        Assert.Equal(1, deltas.Counts.Single(c => c.State == "resync").Count);
    }

    [Fact]
    public void A_pool_that_could_not_be_read_is_forgotten_and_its_next_delta_refused()
    {
        var deltas = new RegistrationDeltas();
        deltas.Remember(Whole(1, Pool(P, 20, ["a"])));
        deltas.Remember(Whole(1, PoolStatus.CannotReport(P, "its journal cannot be written")));
        Assert.Null(deltas.Resolve(Registration(1, Delta(P, 20, 20, count: 1))).Whole);
    }

    [Fact]
    public void A_registration_that_lists_everything_passes_as_it_is()
    {
        var deltas = new RegistrationDeltas();
        var m = Whole(3, Pool(P, 20, ["a"]));
        Assert.Same(m, deltas.Resolve(m).Whole);
    }

    private static string[] Ids(RegisterHost m, string provider)
        => m.Pools.Single(p => p.Provider == provider).Allocations.Select(a => a.AllocationId).Order(StringComparer.Ordinal).ToArray();

    private static RegisterHost Whole(long incarnation, params PoolStatus[] pools) => Registration(incarnation, pools);

    private static RegisterHost Registration(long incarnation, params PoolStatus[] pools)
        => new(Host, new TopologyDocument { Host = Host }, pools, incarnation, "node-a");

    private static PoolStatus Pool(string provider, long revision, string[] ids)
        => new(provider, 1 << 30, 1 << 29, 1 << 20, 0, ids.Length, 1 << 30, 1 << 30, true, false, [.. ids.Select(Record)], revision);

    private static PoolStatus Delta(string provider, long from, long revision, int count, string[]? granted = null, string[]? freed = null)
        => Pool(provider, revision, granted ?? []) with { AllocationCount = count, DeltaFrom = from, Freed = freed ?? [] };

    private static AllocationRecord Record(string id) => new(id, id[0] * 4096L, 4096, 4096, 0);
}
