using Orchestrator.Protocol;

namespace Orchestrator.Topology.Tests.Model;

public class PciAddressTests
{
    [Theory]
    [InlineData("0000:03:00.0", 0, 3, 0, 0)]
    [InlineData("03:00.1", 0, 3, 0, 1)]
    [InlineData("ABCD:EF:1F.7", 0xabcd, 0xef, 0x1f, 7)]
    [InlineData(" 0000:c3:00.0 ", 0, 0xc3, 0, 0)]
    public void Parses_and_formats_lower_case(string text, int domain, int bus, int device, int function)
    {
        var a = PciAddress.Parse(text);
        Assert.Equal((domain, bus, device, function), (a.Domain, a.Bus, a.Device, a.Function));
        Assert.Equal(text.Trim().Length == 7 ? "0000:" + text.Trim().ToLowerInvariant() : text.Trim().ToLowerInvariant(), a.ToString());
    }

    [Theory]
    [InlineData("0000:zz:00.0")]
    [InlineData("0000:03:20.0")]
    [InlineData("0000:03:00.8")]
    [InlineData("0000:03:00")]
    [InlineData("00000:03:00.0")]
    [InlineData("")]
    [InlineData("0000:03:00.0.1")]
    public void Rejects_anything_else_naming_the_input(string text)
    {
        Assert.False(PciAddress.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Orders_by_domain_bus_device_function()
    {
        var list = new[] { "0001:00:00.0", "0000:80:00.0", "0000:03:00.1", "0000:03:00.0" }.Select(PciAddress.Parse).Order().Select(a => a.ToString());
        Assert.Equal(["0000:03:00.0", "0000:03:00.1", "0000:80:00.0", "0001:00:00.0"], list);
    }
}
