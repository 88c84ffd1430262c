using Orchestrator.Protocol;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.P2p;

/// <summary>Builds the level and map-type matrix of a host for the CLI and the REST bridge alike.</summary>
public static class LevelMatrixBuilder
{
    /// <summary>The matrix over <paramref name="devices"/>, or over every endpoint when none are given.</summary>
    public static LevelMatrix Build(HostTopology topology, P2pRules rules, IReadOnlyList<PciAddress>? devices = null)
    {
        var chosen = devices is { Count: > 0 }
            ? devices
            : topology.Functions.Where(f => f.Kind == DeviceKind.Endpoint).Select(f => f.Address).ToList();
        var index = chosen.Select(rules.RequireIndex).ToArray();
        var levels = index.Select(a => (IReadOnlyList<string>)index.Select(b => rules.Level(a, b).ToString()).ToList()).ToList();
        var maps = index.Select(a => (IReadOnlyList<string>)index.Select(b => rules.Verdict(a, b).MapType.ToWire()).ToList()).ToList();
        var details = chosen.Select(topology.Get)
            .Select(f => new MatrixDevice(f.Address.ToString(), f.OsNames, f.Label, f.NumaNode, f.LocalCpus, f.HasPublishedP2pMem))
            .ToList();
        return new LevelMatrix(chosen.Select(a => a.ToString()).ToList(), levels, maps, details);
    }
}
