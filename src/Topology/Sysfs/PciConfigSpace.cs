using System.Buffers.Binary;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Topology.Sysfs;

/// <summary>What config space tells us: the PCIe device/port type and the ACS control register.</summary>
/// <param name="PcieType">Device/port type from the PCIe capability (bits 7:4 of its capabilities register); null when absent or unreadable.</param>
/// <param name="AcsControl">ACS control (extended capability 0x000D, +6); null when there is no ACS capability or the extended space is unreadable.</param>
/// <param name="ExtendedSpaceReadable">True when the 4 KiB extended space was present (root reads it; others see 64 bytes).</param>
/// <param name="HeaderReadable">True when at least the 64-byte header was there.</param>
/// <param name="Revision">Revision ID (0x08).</param>
/// <param name="SubsystemVendor">Subsystem vendor: 0x2C for a type-0 header, the SSVID capability for a bridge, 0x40 for CardBus.</param>
/// <param name="SubsystemDevice">Subsystem device, beside the subsystem vendor.</param>
public readonly record struct PciConfigSpace(
    int? PcieType,
    int? AcsControl,
    bool ExtendedSpaceReadable,
    bool HeaderReadable,
    int? Revision = null,
    int? SubsystemVendor = null,
    int? SubsystemDevice = null)
{
    private const int SsvidCapabilityId = 0x0D;

    private const int CapabilityListOffset = 0x34;
    private const int StatusOffset = 0x06;
    private const int StatusCapabilityList = 0x10;
    private const int PcieCapabilityId = 0x10;
    private const int AcsExtendedCapabilityId = 0x000D;
    private const int ExtendedSpaceStart = 0x100;

    /// <summary>ACS Request Redirect, Completion Redirect, Egress Control: what <c>pci_bridge_has_acs_redir</c> tests.</summary>
    public const int AcsRedirectMask = 0x04 | 0x08 | 0x20;

    public bool AcsRedirect => AcsControl is { } c && (c & AcsRedirectMask) != 0;

    /// <summary>The kind the PCIe capability states, or null when it states none we map.</summary>
    public DeviceKind? Kind => PcieType switch
    {
        0x0 or 0x1 => DeviceKind.Endpoint,
        0x4 => DeviceKind.RootPort,
        0x5 => DeviceKind.SwitchUpstream,
        0x6 => DeviceKind.SwitchDownstream,
        0x7 or 0x8 => DeviceKind.Bridge,
        0x9 or 0xA => DeviceKind.RcEndpoint,
        _ => null,
    };

    /// <summary>
    /// Walks the standard capability list from 0x34 for the PCIe capability, and the extended list from 0x100
    /// for ACS. A standard capability with ID 0x0D is the bridge subsystem vendor ID, not ACS: ACS exists only
    /// as an extended capability. Loops and out-of-range pointers end the walk.
    /// </summary>
    public static PciConfigSpace Parse(ReadOnlySpan<byte> config)
    {
        if (config.Length < 0x40)
        {
            return new PciConfigSpace(null, null, false, false);
        }
        int? pcieType = null;
        var headerType = config[0x0E] & 0x7F;
        int? subsystemVendor = headerType switch
        {
            0 => BinaryPrimitives.ReadUInt16LittleEndian(config[0x2C..]),
            2 when config.Length >= 0x44 => BinaryPrimitives.ReadUInt16LittleEndian(config[0x40..]),
            _ => null,
        };
        int? subsystemDevice = headerType switch
        {
            0 => BinaryPrimitives.ReadUInt16LittleEndian(config[0x2E..]),
            2 when config.Length >= 0x44 => BinaryPrimitives.ReadUInt16LittleEndian(config[0x42..]),
            _ => null,
        };
        if ((BinaryPrimitives.ReadUInt16LittleEndian(config[StatusOffset..]) & StatusCapabilityList) != 0)
        {
            var pointer = config[CapabilityListOffset] & 0xFC;
            for (var guard = 0; pointer >= 0x40 && pointer + 8 <= config.Length && guard < 48; guard++)
            {
                if (config[pointer] == PcieCapabilityId && pcieType is null)
                {
                    pcieType = (BinaryPrimitives.ReadUInt16LittleEndian(config[(pointer + 2)..]) >> 4) & 0xF;
                }
                else if (config[pointer] == SsvidCapabilityId && headerType == 1 && subsystemVendor is null)
                {
                    // Linux pci_setup_device: a bridge's subsystem ids live in this capability.
                    subsystemVendor = BinaryPrimitives.ReadUInt16LittleEndian(config[(pointer + 4)..]);
                    subsystemDevice = BinaryPrimitives.ReadUInt16LittleEndian(config[(pointer + 6)..]);
                }
                pointer = config[pointer + 1] & 0xFC;
            }
            if (headerType == 1)
            {
                subsystemVendor ??= 0;
                subsystemDevice ??= 0;
            }
        }
        var extended = config.Length >= ExtendedSpaceStart + 8;
        int? acs = null;
        if (extended)
        {
            var offset = ExtendedSpaceStart;
            for (var guard = 0; offset >= ExtendedSpaceStart && offset + 8 <= config.Length && guard < 512; guard++)
            {
                var header = BinaryPrimitives.ReadUInt32LittleEndian(config[offset..]);
                if (header is 0 or 0xFFFFFFFF)
                {
                    break;
                }
                if ((header & 0xFFFF) == AcsExtendedCapabilityId)
                {
                    acs = BinaryPrimitives.ReadUInt16LittleEndian(config[(offset + 6)..]);
                    break;
                }
                offset = (int)(header >> 20) & 0xFFC;
            }
        }
        return new PciConfigSpace(pcieType, acs, extended, true, config[0x08], subsystemVendor, subsystemDevice);
    }
}
