namespace Orchestrator.Topology.Model;

/// <summary>The host CPU as <c>/proc/cpuinfo</c> names it; null fields are unknown.</summary>
public sealed record CpuInfo(string? Vendor, int? Family)
{
    public static readonly CpuInfo Unknown = new(null, null);
    public static readonly CpuInfo AmdZen3 = new("AuthenticAMD", 25);
    public static readonly CpuInfo Intel = new("GenuineIntel", 6);
    public static readonly CpuInfo Other = new("other", null);

    /// <summary>Linux <c>cpu_supports_p2pdma</c>: any AMD CPU of family 0x17 (Zen) or newer.</summary>
    public bool IsAmdZen => Vendor == "AuthenticAMD" && Family >= 0x17;
}
