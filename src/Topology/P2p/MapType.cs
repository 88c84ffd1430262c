namespace Orchestrator.Topology.P2p;

/// <summary>Linux <c>enum pci_p2pdma_map_type</c>, as the kernel decides it for a (provider, client) pair.</summary>
public enum MapType : byte
{
    NotSupported = 1,
    BusAddr = 2,
    ThruHostBridge = 3,
}

public static class MapTypeNames
{
    /// <summary>The kernel's name without its <c>PCI_P2PDMA_MAP_</c> prefix, as in JSON output.</summary>
    public static string ToWire(this MapType type) => type switch
    {
        MapType.BusAddr => "BUS_ADDR",
        MapType.ThruHostBridge => "THRU_HOST_BRIDGE",
        MapType.NotSupported => "NOT_SUPPORTED",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
