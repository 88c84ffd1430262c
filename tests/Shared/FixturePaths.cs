namespace Orchestrator.Tests.Shared;

/// <summary>
/// Where the captured topologies are. The team's canonical copy is <c>../shared/fixtures</c> beside the repository;
/// <c>fixtures/</c> in the repository is a verbatim copy so that a clean clone on a fresh CI machine has them too
/// (a test checks the two stay identical wherever both exist). <c>P2P_FIXTURES</c> overrides both.
/// </summary>
internal static class FixturePaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Shared { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    public static string Bundled { get; } = Path.Combine(RepoRoot, "fixtures");

    public static string Root { get; } =
        Environment.GetEnvironmentVariable("P2P_FIXTURES") is { Length: > 0 } over ? over
        : Directory.Exists(Shared) ? Shared
        : Bundled;

    public static string Lspci(string name) => Path.Combine(Root, "lspci", name);

    public static string Sysfs(string name) => Path.Combine(Root, "sysfs", name);

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
