using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests;

internal static class TestPaths
{
    public static string SampleTopology => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", "storage-01.yaml");

    public const string ProviderA = "0000:04:00.0";
    public const string ProviderB = "0000:05:00.0";
    public const string ProviderC = "0000:06:00.0";
}
