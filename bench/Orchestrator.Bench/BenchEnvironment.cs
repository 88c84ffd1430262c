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

    /// <summary>How many hosts the controller's REST bridge lists Up, or null while it does not answer 200 (not listening, or not Up in its cluster yet).</summary>
    public static async Task<int?> HostsUpAsync(HttpClient http, CancellationToken cancel = default)
    {
        try
        {
            using var response = await http.GetAsync("/api/v1/hosts", cancel);
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                return null;
            }
            using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
            return doc.RootElement.EnumerateArray().Count(h => h.TryGetProperty("status", out var s) && string.Equals(s.ToString(), "up", StringComparison.OrdinalIgnoreCase));
        }
        catch (HttpRequestException)
        {
            return null;  // Kestrel is not listening yet.
        }
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
