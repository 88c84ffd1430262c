using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Tests.Model;

/// <summary>Link rates as operators read them: GT/s and lanes, and GB/s after each generation's line encoding.</summary>
public sealed class LinkRatesTests
{
    [Theory]
    [InlineData(2.5, 1, "2.5 GT/s x1 ≈ 0.3 GB/s")]      // PCIe 1, 8b/10b: 0.25 GB/s
    [InlineData(5.0, 8, "5 GT/s x8 ≈ 4 GB/s")]          // PCIe 2, 8b/10b
    [InlineData(8.0, 16, "8 GT/s x16 ≈ 15.8 GB/s")]     // PCIe 3, 128b/130b
    [InlineData(16.0, 4, "16 GT/s x4 ≈ 7.9 GB/s")]      // PCIe 4: what "64 GT/s" (GT/s × lanes) meant
    [InlineData(64.0, 16, "64 GT/s x16 ≈ 121 GB/s")]    // PCIe 6, FLIT mode
    public void Each_generation_is_described_with_its_encoding(double speed, int width, string expected)
        => Assert.Equal(expected, LinkRates.Describe(speed, width));

    [Fact]
    public void A_pcie_4_x4_link_carries_about_7_88_gigabytes_a_second()
        => Assert.Equal(7.877, LinkRates.GigabytesPerSecond(16.0, 4), 3);
}
