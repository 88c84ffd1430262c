using BenchmarkDotNet.Attributes;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Bench;

/// <summary>P3: sysfs discovery of a generated 4,096-function tree written in the capture format.</summary>
[MemoryDiagnoser]
public class DiscoveryBenchmarks
{
    private string root = null!;

    [GlobalSetup]
    public void Setup()
    {
        root = Path.Combine(Path.GetTempPath(), "p2p-bench-sysfs-" + Environment.ProcessId);
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
        SysfsTreeWriter.Write(SyntheticHost.Create(4096, 64), root, realSymlinks: false);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    [Benchmark]
    public int ReadSysfsTree() => new SysfsReader(root).Read("synthetic").Functions.Count;
}
