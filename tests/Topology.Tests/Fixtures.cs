namespace Orchestrator.Topology.Tests;

/// <summary>Paths to the read-only captures in ../shared/fixtures, found from the repository root.</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string Lspci(string name) => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "lspci", name));

    public static string Sysfs(string name) => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "sysfs", name));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }
}
