using System.Globalization;

namespace Orchestrator.Topology.Model;

/// <summary>
/// A PCIe link's rate as operators read it (issue 15): the transfer rate and width (<c>16 GT/s x4</c>), and the data
/// rate after line encoding in GB/s: 8b/10b up to 5 GT/s (PCIe 1–2), 128b/130b at 8–32 GT/s (PCIe 3–5), and FLIT mode
/// with 242 of 256 bytes carrying data at 64 GT/s (PCIe 6). GT/s × lanes alone (64 for 16 GT/s x4) reads like a PCIe 6 link.
/// </summary>
public static class LinkRates
{
    /// <summary>Data rate in GB/s (10^9 bytes) of one direction of a link.</summary>
    public static double GigabytesPerSecond(double speedGts, int width) => speedGts * width * Efficiency(speedGts) / 8;

    /// <summary><c>16 GT/s x4 ≈ 7.9 GB/s</c>.</summary>
    public static string Describe(double speedGts, int width)
        => string.Create(CultureInfo.InvariantCulture, $"{speedGts:0.#} GT/s x{width} ≈ {GigabytesPerSecond(speedGts, width):0.#} GB/s");

    private static double Efficiency(double speedGts) => speedGts switch
    {
        <= 5.0 => 8.0 / 10,
        <= 32.0 => 128.0 / 130,
        _ => 242.0 / 256,
    };
}
