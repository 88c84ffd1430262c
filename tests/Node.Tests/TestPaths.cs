using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests;

internal static class TestPaths
{
    public static string SampleTopology => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", "storage-01.yaml");

    public const string ProviderA = "0000:04:00.0";
    public const string ProviderB = "0000:05:00.0";
    public const string ProviderC = "0000:06:00.0";
}

/// <summary>A scratch directory removed at dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "p2p-node-" + Guid.NewGuid().ToString("N")[..12]);

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
