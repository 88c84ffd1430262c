namespace Orchestrator.Protocol.Topology;

/// <summary>What a PCI function is in the tree (PCIe device/port type, or inferred from position).</summary>
public enum DeviceKind
{
    Endpoint,
    RcEndpoint,
    RootPort,
    SwitchUpstream,
    SwitchDownstream,
    Bridge,
}

public static class DeviceKindNames
{
    /// <summary>The camelCase name used in topology files and JSON.</summary>
    public static string ToWire(this DeviceKind kind) => kind switch
    {
        DeviceKind.Endpoint => "endpoint",
        DeviceKind.RcEndpoint => "rcEndpoint",
        DeviceKind.RootPort => "rootPort",
        DeviceKind.SwitchUpstream => "switchUpstream",
        DeviceKind.SwitchDownstream => "switchDownstream",
        DeviceKind.Bridge => "bridge",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static bool TryParse(string? text, out DeviceKind kind)
    {
        foreach (var k in Enum.GetValues<DeviceKind>())
        {
            if (string.Equals(k.ToWire(), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    public static bool IsBridge(this DeviceKind kind)
        => kind is DeviceKind.RootPort or DeviceKind.SwitchUpstream or DeviceKind.SwitchDownstream or DeviceKind.Bridge;
}
