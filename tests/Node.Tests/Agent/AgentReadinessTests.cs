using Orchestrator.Node.Agent;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Tests.Agent;

/// <summary>What makes a host agent unready, and how each problem reads: the host, the provider, the reason.</summary>
public sealed class AgentReadinessTests
{
    private static PoolStatus Up(string provider) => new(provider, 1 << 20, 1 << 20, 1 << 20, 0, 0, 1 << 20, 1 << 20, true, false, [], 3);

    public static TheoryData<string, AgentHealth, string[]> Cases => new()
    {
        { "standalone, every pool up", new("h1", [Up("0000:04:00.0"), Up("0000:05:00.0")], Clustered: false, Registered: false, Refusal: null), [] },
        { "clustered and registered", new("h1", [Up("0000:04:00.0")], Clustered: true, Registered: true, Refusal: null), [] },
        { "no pools at all", new("h1", [], Clustered: false, Registered: false, Refusal: null), [] },
        {
            "a pool down", new("h1", [Up("0000:04:00.0"), PoolStatus.CannotReport("0000:05:00.0", "its journal cannot be written (disk full)")], false, false, null),
            ["pool 0000:05:00.0 on h1 is unavailable: its journal cannot be written (disk full)"]
        },
        {
            "two pools down and not registered", new("h1", [PoolStatus.CannotReport("0000:04:00.0", "a"), PoolStatus.CannotReport("0000:05:00.0", "b")], true, false, null),
            ["pool 0000:04:00.0 on h1 is unavailable: a", "pool 0000:05:00.0 on h1 is unavailable: b", "host h1 is not registered with a controller yet"]
        },
        { "clustered, not registered yet", new("h1", [Up("0000:04:00.0")], true, false, null), ["host h1 is not registered with a controller yet"] },
        {
            // Refused after an earlier registration: the refusal is what the operator must act on.
            "refused", new("h1", [Up("0000:04:00.0")], true, true, "another node identity holds h1"),
            ["host h1: the controller refused its registration: another node identity holds h1"]
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Problems_name_the_host_the_provider_and_the_reason(string @case, AgentHealth health, string[] expected)
        => Assert.True(AgentReadiness.Problems(health).SequenceEqual(expected), $"{@case}: {string.Join(" | ", AgentReadiness.Problems(health))}");

    [Fact]
    public void An_agent_that_does_not_answer_says_how_long_it_was_given()
    {
        Assert.Equal("the agent of host h1 does not answer within 3 s", AgentReadiness.NoAnswer("h1", TimeSpan.FromSeconds(3)));
        Assert.Equal("the agent of host h1 failed to answer: boom", AgentReadiness.NoAnswer("h1", TimeSpan.FromSeconds(3), "boom"));
    }
}
