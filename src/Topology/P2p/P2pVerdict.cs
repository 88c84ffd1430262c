namespace Orchestrator.Topology.P2p;

/// <summary>
/// The kernel's answer for one (provider, client) pair: map type and distance. <see cref="CommonIndex"/> is the
/// nearest common upstream element (an index into the topology's functions), -1 when there is none.
/// </summary>
public readonly record struct P2pVerdict(MapType MapType, int Distance, bool AcsRedirectOnPath, int CommonIndex)
{
    public bool IsSupported => MapType != MapType.NotSupported;
}
