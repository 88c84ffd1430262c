using System.Globalization;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.P2p;

/// <summary>One allow-list entry: a host bridge's first function by vendor and device (null device = any).</summary>
public sealed record AllowListEntry(int Vendor, int? Device, bool SameHostBridgeOnly, bool OperatorAdded = false)
{
    public bool Matches(int vendor, int device) => vendor == Vendor && (Device is null || Device == device);

    /// <summary>Parses <c>vvvv:dddd</c>, <c>vvvv:*</c>, optionally followed by <c>:same</c>.</summary>
    public static AllowListEntry ParseOperatorEntry(string text)
    {
        var parts = text.Trim().Split(':');
        var device = 0;
        if (parts.Length is < 2 or > 3
            || !HexId.TryParse(parts[0], 0xFFFF, out var vendor)
            || (parts[1] != "*" && !HexId.TryParse(parts[1], 0xFFFF, out device))
            || (parts.Length == 3 && parts[2] != "same"))
        {
            throw new TopologyException($"'{text}' is not a host-bridge allow-list entry (expected vvvv:dddd, vvvv:* or vvvv:dddd:same)");
        }
        return new AllowListEntry(vendor, parts[1] == "*" ? null : device, parts.Length == 3, OperatorAdded: true);
    }

    public override string ToString()
        => $"{Vendor:x4}:{(Device is { } d ? d.ToString("x4", CultureInfo.InvariantCulture) : "*")}{(SameHostBridgeOnly ? " (same host bridge only)" : string.Empty)}";
}

/// <summary>How the allow-list judges one host bridge.</summary>
public enum HostBridgeJudgement
{
    /// <summary>No eligible first function (neither 00.0 nor a root port), or its ids are unknown.</summary>
    NoEligibleFunction,
    NotListed,
    SameHostBridgeOnly,
    Allowed,
}

/// <summary>
/// Linux <c>pci_p2pdma_whitelist</c> (ARCHITECTURE §5.2), extendable by configuration. Operator entries carry a
/// warning into every explanation that relies on them: forcing unsupported host bridges has corrupted data.
/// </summary>
public sealed class HostBridgeAllowList
{
    public const string OperatorEntryWarning =
        "relies on an operator-added host-bridge allow-list entry; forcing unsupported host bridges has produced silent data corruption in the field";

    public static readonly HostBridgeAllowList Kernel = new(BuildKernelEntries());

    private HostBridgeAllowList(IReadOnlyList<AllowListEntry> entries)
    {
        Entries = entries;
    }

    public IReadOnlyList<AllowListEntry> Entries { get; }

    public HostBridgeAllowList With(IEnumerable<AllowListEntry> extra) => new([.. Entries, .. extra]);

    /// <summary>The first matching entry for a host bridge, as <c>__host_bridge_whitelist</c> looks it up.</summary>
    public (HostBridgeJudgement Judgement, AllowListEntry? Entry) Judge(HostBridge bridge)
    {
        if (!bridge.FirstIsEligible || bridge.FirstVendor is not { } vendor || bridge.FirstDevice is not { } device)
        {
            return (HostBridgeJudgement.NoEligibleFunction, null);
        }
        foreach (var entry in Entries)
        {
            if (entry.Matches(vendor, device))
            {
                return (entry.SameHostBridgeOnly ? HostBridgeJudgement.SameHostBridgeOnly : HostBridgeJudgement.Allowed, entry);
            }
        }
        return (HostBridgeJudgement.NotListed, null);
    }

    private static List<AllowListEntry> BuildKernelEntries()
    {
        const int intel = 0x8086;
        var entries = new List<AllowListEntry>
        {
            // Intel Xeon E5/Core i7 and Xeon E7 v3/E5 v3/Core i7: only within one host bridge.
            new(intel, 0x3c00, true), new(intel, 0x3c01, true), new(intel, 0x2f00, true), new(intel, 0x2f01, true),
        };
        // Intel Skylake-E and later.
        entries.AddRange(new[] { 0x2030, 0x2031, 0x2032, 0x2033, 0x2020, 0x09a2 }.Select(d => new AllowListEntry(intel, d, false)));
        // Intel accelerators' root ports.
        entries.AddRange(new[] { 0x0b25, 0x0cfe, 0x11fb, 0x1212, 0x1216, 0x4940, 0x4942, 0x4944, 0x4946, 0x4948 }.Select(d => new AllowListEntry(intel, d, false)));
        entries.Add(new AllowListEntry(0x1ae0, null, false));  // Google: any device
        entries.AddRange(Enumerable.Range(0x2f95, 4).Select(d => new AllowListEntry(0x10de, d, false)));  // NVIDIA
        return entries;
    }
}
