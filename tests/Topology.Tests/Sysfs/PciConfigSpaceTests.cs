using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Topology.Tests.Sysfs;

public class PciConfigSpaceTests
{
    private static byte[] Header(int length = 4096)
    {
        var c = new byte[length];
        c[6] = 0x10;      // capability list present
        c[0x34] = 0x40;
        return c;
    }

    [Fact]
    public void A_standard_capability_0x0d_is_the_bridge_subsystem_id_not_acs()
    {
        var c = Header();
        c[0x40] = 0x0D;   // SSVID
        c[0x41] = 0x50;
        c[0x44] = 0x1D;   // would look like an ACS control of 0x1d to a reader that confused the two
        c[0x50] = 0x10;
        c[0x52] = 0x62;   // PCIe v2, type 6: downstream port
        var parsed = PciConfigSpace.Parse(c);
        Assert.Equal(DeviceKind.SwitchDownstream, parsed.Kind);
        Assert.Null(parsed.AcsControl);
        Assert.False(parsed.AcsRedirect);
    }

    [Theory]
    [InlineData(0x1D, true)]   // SV RR CR UF, as Linux sets with an IOMMU
    [InlineData(0x04, true)]   // RR
    [InlineData(0x08, true)]   // CR
    [InlineData(0x20, true)]   // EC
    [InlineData(0x51, false)]  // SV, UF, DT: no redirect
    [InlineData(0x00, false)]
    public void Acs_redirect_is_rr_cr_or_ec_in_the_extended_capability(int control, bool redirect)
    {
        var c = Header();
        c[0x40] = 0x10;
        c[0x42] = 0x42;   // root port
        // A first extended capability (AER, 0x0001) pointing to ACS at 0x148.
        c[0x100] = 0x01; c[0x102] = 0x81; c[0x103] = 0x14;
        c[0x148] = 0x0D; c[0x14A] = 0x01;
        c[0x14E] = (byte)control;
        var parsed = PciConfigSpace.Parse(c);
        Assert.Equal(DeviceKind.RootPort, parsed.Kind);
        Assert.Equal(control, parsed.AcsControl);
        Assert.Equal(redirect, parsed.AcsRedirect);
    }

    [Fact]
    public void Sixty_four_bytes_give_no_kind_and_unknown_acs()
    {
        var parsed = PciConfigSpace.Parse(Header(64));
        Assert.Null(parsed.Kind);
        Assert.Null(parsed.AcsControl);
        Assert.False(parsed.ExtendedSpaceReadable);
    }

    [Fact]
    public void Looping_capability_pointers_end_the_walk()
    {
        var c = Header();
        c[0x40] = 0x05;
        c[0x41] = 0x40;   // points at itself
        c[0x100] = 0x01; c[0x102] = 0x01; c[0x103] = 0x10;  // next = 0x100, itself
        var parsed = PciConfigSpace.Parse(c);
        Assert.Null(parsed.PcieType);
        Assert.Null(parsed.AcsControl);
    }
}
