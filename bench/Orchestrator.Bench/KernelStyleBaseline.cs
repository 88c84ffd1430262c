using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Bench;

/// <summary>
/// The baseline the targets are measured against: the kernel's own shape of <c>calc_map_type_and_dist</c> —
/// objects linked by upstream pointers, a nested walk of one chain for every element of the other, and the
/// host bridge found by walking to the top and scanning the allow-list — with nothing precomputed.
/// </summary>
public sealed class KernelStyleBaseline
{
    private sealed class Device
    {
        public Device? Up;
        public bool AcsRedirect;
        public int Vendor;
        public int DeviceId;
        public bool HasPublishedP2pMem;
    }

    private readonly Device[] devices;
    private readonly Device?[] firstOnRoot;
    private readonly int[] rootOf;
    private readonly HostBridgeAllowList allowList = HostBridgeAllowList.Kernel;

    public KernelStyleBaseline(HostTopology topology)
    {
        var n = topology.Functions.Count;
        devices = new Device[n];
        for (var i = 0; i < n; i++)
        {
            var f = topology.Functions[i];
            devices[i] = new Device { AcsRedirect = f.AcsRedirect, Vendor = f.Vendor ?? 0, DeviceId = f.Device ?? 0, HasPublishedP2pMem = f.HasPublishedP2pMem };
        }
        rootOf = new int[n];
        for (var i = 0; i < n; i++)
        {
            var f = topology.Functions[i];
            var up = f.PhysFn is { } pf ? topology.Get(pf).Parent : f.Parent;
            devices[i].Up = up is { } u ? devices[topology.IndexOf(u)] : null;
            rootOf[i] = topology.HostBridges.ToList().FindIndex(b => b.Root == topology.TopOf(f).Address.BusId);
        }
        firstOnRoot = topology.HostBridges.Select(b => b.FirstFunction is { } a && b.FirstIsEligible ? devices[topology.IndexOf(a)] : null).ToArray();
    }

    public int Count => devices.Length;

    public (MapType Map, int Distance) Calc(int provider, int client)
    {
        Device? a = devices[provider];
        var b = devices[client];
        var distA = 0;
        var distB = 0;
        var acsCount = 0;
        while (a is not null)
        {
            distB = 0;
            if (a.AcsRedirect)
            {
                acsCount++;
            }
            var bb = b;
            while (bb is not null)
            {
                if (a == bb)
                {
                    goto CheckClientPath;
                }
                bb = bb.Up;
                distB++;
            }
            a = a.Up;
            distA++;
        }
        return (HostBridge(provider, client), distA + distB);

    CheckClientPath:
        for (Device? bb = b; bb is not null && bb != a; bb = bb.Up)
        {
            if (bb.AcsRedirect)
            {
                acsCount++;
            }
        }
        return acsCount == 0 ? (MapType.BusAddr, distA + distB) : (HostBridge(provider, client), distA + distB);
    }

    private MapType HostBridge(int provider, int client)
    {
        var hp = HostBridgeOf(provider);
        var hc = HostBridgeOf(client);
        if (hp == hc)
        {
            return Listed(hp, same: true) ? MapType.ThruHostBridge : MapType.NotSupported;
        }
        return Listed(hp, same: false) && Listed(hc, same: false) ? MapType.ThruHostBridge : MapType.NotSupported;
    }

    private int HostBridgeOf(int index)
    {
        // pci_find_host_bridge: climb to the top, then find its host bridge.
        Device d = devices[index];
        while (d.Up is not null)
        {
            d = d.Up;
        }
        return rootOf[index];
    }

    private bool Listed(int hostBridge, bool same)
    {
        var root = firstOnRoot[hostBridge];
        if (root is null)
        {
            return false;
        }
        var entries = allowList.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (entry.Matches(root.Vendor, root.DeviceId))
            {
                return same || !entry.SameHostBridgeOnly;
            }
        }
        return false;
    }

    public int DistanceMany(int provider, ReadOnlySpan<int> clients)
    {
        var sum = 0;
        foreach (var c in clients)
        {
            var (map, distance) = Calc(provider, c);
            if (map == MapType.NotSupported)
            {
                return -1;
            }
            sum += distance;
        }
        return clients.Length == 0 ? -1 : sum;
    }

    /// <summary><c>pci_p2pmem_find_many</c> over every device, walking chains for each published provider.</summary>
    public int FindMany(ReadOnlySpan<int> clients, Random random, Span<int> scratch)
    {
        var best = int.MaxValue;
        var count = 0;
        for (var i = 0; i < devices.Length; i++)
        {
            if (!devices[i].HasPublishedP2pMem)
            {
                continue;
            }
            var d = DistanceMany(i, clients);
            if (d < 0 || d > best)
            {
                continue;
            }
            if (d < best)
            {
                best = d;
                count = 0;
            }
            scratch[count++] = i;
        }
        return count == 0 ? -1 : scratch[random.Next(count)];
    }
}
