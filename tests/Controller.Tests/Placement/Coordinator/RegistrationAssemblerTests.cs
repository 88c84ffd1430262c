using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>A registration split into parts comes back whole, or not at all: never a pool with buffers missing.</summary>
public sealed class RegistrationAssemblerTests
{
    private const string Host = "storage-01";
    private const string P = "0000:04:00.0";
    private const string Q = "0000:05:00.0";
    private static readonly object Agent = new();
    private static readonly object Other = new();

    [Fact]
    public void A_small_registration_passes_whole_at_once()
    {
        var (header, parts) = RegistrationParts.Split(Registration(1, 3, 2), allocationsPerPart: 10);
        Assert.Empty(parts);
        var whole = new RegistrationAssembler<object>().Begin(header, Agent);
        Assert.Same(header, whole);
    }

    [Fact]
    public void Parts_in_order_from_the_sending_agent_give_back_every_allocation_of_every_pool()
    {
        var sent = Registration(1, 25, 7);
        var (header, parts) = RegistrationParts.Split(sent, allocationsPerPart: 10);
        Assert.Equal(4, header.Parts);  // P in 10 + 10 + 5, Q in 7: a part never mixes pools
        Assert.All(header.Pools, p => Assert.Empty(p.Allocations));
        var assembler = new RegistrationAssembler<object>();
        Assert.Null(assembler.Begin(header, Agent));
        RegisterHost? whole = null;
        foreach (var part in parts)
        {
            Assert.Null(whole);
            (whole, var problem) = assembler.Add(part, Agent);
            Assert.Null(problem);
        }
        Assert.NotNull(whole);
        Assert.Equal(0, whole.Parts);
        Assert.Equal(sent.Pools.Select(p => p.Allocations.Select(a => a.AllocationId)), whole.Pools.Select(p => p.Allocations.Select(a => a.AllocationId)));
        Assert.Equal(0, assembler.Pending);
    }

    [Fact]
    public void A_part_from_another_agent_or_an_older_registration_belongs_to_nothing()
    {
        var assembler = new RegistrationAssembler<object>();
        var (older, olderParts) = RegistrationParts.Split(Registration(1, 25, 0), allocationsPerPart: 10);
        var (newer, newerParts) = RegistrationParts.Split(Registration(2, 25, 0), allocationsPerPart: 10);
        assembler.Begin(older, Agent);
        assembler.Begin(newer, Agent);

        var (whole, problem) = assembler.Add(olderParts[0], Agent);
        Assert.Null(whole);
        Assert.Contains("registration 1", problem, StringComparison.Ordinal);
        (whole, problem) = assembler.Add(newerParts[0], Other);
        Assert.Null(whole);
        Assert.NotNull(problem);

        foreach (var part in newerParts)
        {
            (whole, _) = assembler.Add(part, Agent);
        }
        Assert.Equal(25, Assert.IsType<RegisterHost>(whole).Pools.Single(p => p.Provider == P).Allocations.Count);
    }

    [Fact]
    public void A_part_out_of_order_drops_the_registration()
    {
        var assembler = new RegistrationAssembler<object>();
        var (header, parts) = RegistrationParts.Split(Registration(1, 25, 0), allocationsPerPart: 10);
        assembler.Begin(header, Agent);
        var (whole, problem) = assembler.Add(parts[1], Agent);
        Assert.Null(whole);
        Assert.Contains("part 0", problem, StringComparison.Ordinal);
        Assert.Equal(0, assembler.Pending);
        Assert.Null(assembler.Add(parts[0], Agent).Whole);
    }

    [Fact]
    public void Parts_that_do_not_add_up_to_a_pool_s_count_drop_the_registration()
    {
        var assembler = new RegistrationAssembler<object>();
        var (header, parts) = RegistrationParts.Split(Registration(1, 25, 0), allocationsPerPart: 10);
        var lying = header with { Pools = [.. header.Pools.Select(p => p.Provider == P ? p with { AllocationCount = 26 } : p)] };
        assembler.Begin(lying, Agent);
        (RegisterHost? Whole, string? Problem) last = default;
        foreach (var part in parts)
        {
            last = assembler.Add(part, Agent);
        }
        Assert.Null(last.Whole);
        Assert.Contains("list 25 allocations of pool 0000:04:00.0, which holds 26", last.Problem, StringComparison.Ordinal);
    }

    private static RegisterHost Registration(long registration, int onP, int onQ)
        => new(Host, new TopologyDocument { Host = Host }, [Pool(P, onP), Pool(Q, onQ)], Incarnation: 7, Identity: "node-a", Registration: registration);

    private static PoolStatus Pool(string provider, int count)
    {
        var allocations = Enumerable.Range(0, count).Select(i => new AllocationRecord($"{provider}-{i}", i * 4096L, 4096, 4096, 0)).ToList();
        return new PoolStatus(provider, 1 << 30, (1 << 30) - (count * 4096L), 1 << 20, 0, count, 1 << 30, 1 << 30, true, false, allocations);
    }
}
