using Orchestrator.Protocol;

namespace Orchestrator.Topology.P2p;

/// <summary>A verdict with its level and the reason in the kernel's words; <see cref="AcsHint"/> is the kernel parameter that would lift an ACS detour.</summary>
public sealed record P2pExplanation(PciAddress Provider, PciAddress Client, P2pVerdict Verdict, P2pLevel Level, string Reason, string? AcsHint)
{
    public MapType MapType => Verdict.MapType;
    public int Distance => Verdict.Distance;
}
