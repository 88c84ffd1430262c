namespace Orchestrator.Bench;

/// <summary>Where the repository is (for its sample topologies and built binaries) and a free port, for the harnesses.</summary>
internal static class BenchEnvironment
{
    public static string RepoRoot { get; } = FindRoot();

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orchestrator.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
        }
        return root;
    }
}
