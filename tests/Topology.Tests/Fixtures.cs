using Orchestrator.Tests.Shared;

namespace Orchestrator.Topology.Tests;

/// <summary>Paths to the read-only captures (see <see cref="FixturePaths"/>).</summary>
internal static class Fixtures
{
    public static string Lspci(string name) => FixturePaths.Lspci(name);

    public static string Sysfs(string name) => FixturePaths.Sysfs(name);
}
