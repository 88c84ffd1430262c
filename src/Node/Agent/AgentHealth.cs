using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Agent;

/// <summary>Local: ask a <see cref="HostAgent"/> how it stands, for readiness (in-process only, never over remoting).</summary>
public sealed record GetAgentHealth
{
    public static readonly GetAgentHealth Instance = new();
}

/// <summary>
/// Local: a <see cref="HostAgent"/>'s answer to <see cref="GetAgentHealth"/>. <see cref="Pools"/>: every pool as a
/// snapshot reports it (one that is down, unreadable or silent carries the reason in <see cref="PoolStatus.Unavailable"/>).
/// <see cref="Clustered"/> false: a standalone node, with no controller to register with. <see cref="Registered"/>: a
/// controller acknowledged a registration of this incarnation; <see cref="Refusal"/>: why the latest one was refused.
/// </summary>
public sealed record AgentHealth(string Host, IReadOnlyList<PoolStatus> Pools, bool Clustered, bool Registered, string? Refusal);
