using Orchestrator.Controller.Placement;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>The bundled sample host storage-01: a NIC and two CMB NVMe drives (A, B) behind one switch, a third CMB drive (C) on another root port.</summary>
internal static class SampleHost
{
    public const string Nic = "0000:03:00.0";
    public const string A = "0000:04:00.0";
    public const string B = "0000:05:00.0";
    public const string C = "0000:06:00.0";
    public const long MiB = 1 << 20;

    /// <summary>storage-01, with an optional edit of B's p2pmem line (the text that follows B's <c>published: true</c>).</summary>
    public static HostTopology Topology(string? edit = null, Func<string, string>? rewrite = null)
    {
        var yaml = File.ReadAllText(Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", "storage-01.yaml"));
        yaml = edit is null ? yaml : yaml.Replace("published: true }\n  - { address: \"0000:00:02.0\"", edit, StringComparison.Ordinal);
        return TopologyFile.Parse(rewrite is null ? yaml : rewrite(yaml), "storage-01.yaml");
    }

    public static PoolSummary Pool(string provider, long capacity, long largestFree, bool overcommitted = false, long revision = 1)
        => new(provider, revision, capacity, largestFree, largestFree, 0, 0, capacity, capacity, true, overcommitted);

    public static HostState State(long freeA = 256 * MiB, long freeB = 256 * MiB, long freeC = 128 * MiB, HostTopology? topology = null)
        => new(topology ?? Topology(), [Pool(A, 256 * MiB, freeA), Pool(B, 256 * MiB, freeB), Pool(C, 128 * MiB, freeC)]);

    public static PlacementRequest Request(long size, IPlacementMode? mode = null, P2pLevel? maxLevel = null, string? pinned = null, params string[] clients)
        => new(clients.Select(PciAddress.Parse).ToList(), size, mode ?? PlacementModes.Orchestrator, maxLevel, pinned is null ? null : PciAddress.Parse(pinned));
}
