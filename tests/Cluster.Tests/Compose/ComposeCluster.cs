using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>
/// Runs <c>docker-compose.yml</c> without Docker: every service but PostgreSQL becomes a child process of the real
/// built executable its Dockerfile's <c>ENTRYPOINT</c> names (<c>Orchestrator.Controller.dll</c>,
/// <c>Orchestrator.Node.dll</c>, from the build output of the project the Dockerfile publishes), with exactly the
/// service's environment, rewritten for one machine:
/// <list type="bullet">
/// <item>service host names → distinct loopback addresses (<c>127.A.B.11</c>, <c>.12</c>, …; Linux routes all of
/// 127/8; A.B is random per cluster so concurrent runs do not collide), a bind to <c>0.0.0.0</c> (alone or in a
/// listen URL) → the service's own address, so two services keep the same container port (4053, 4054, 4064, 5080)
/// without clashing;</item>
/// <item>the PostgreSQL connection strings (<c>Host=postgres</c>) → a fresh database per compose database on the
/// server <c>ORCHESTRATOR_TEST_POSTGRES</c> names (skipped without one, failed in CI);</item>
/// <item>published REST ports → free ports; bind-mounted files → their paths in the repository;</item>
/// <item>plus, for tests only, the cluster timings of <see cref="TestCluster.FastCluster"/> (<c>…__ExtraHocon</c>) and
/// a 1 s node re-registration: production's failure detector and Split Brain Resolver take tens of seconds.</item>
/// </list>
/// Services start in <c>depends_on</c> order; <c>service_healthy</c> waits for <c>/healthz</c> (on the REST address, or
/// on a node's health listener, <c>Orchestrator__Node__Health</c>, as compose's health checks do) or else a TCP connect
/// to the remoting port (the node Dockerfile's own check).
/// </summary>
internal sealed partial class ComposeCluster : IAsyncDisposable
{
    public const string Token = "compose-test-token";
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper output;
    private readonly Dictionary<string, PostgresDatabase> databases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ServiceProcess> processes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> addresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Uri> restUrls = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Uri> healthUrls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> log = new();
    private readonly TempDirectory scratch = new();

    private ComposeCluster(ComposeFile file, ITestOutputHelper output)
    {
        File = file;
        this.output = output;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
    }

    public ComposeFile File { get; }

    public HttpClient Http { get; }

    public static string ComposePath => Path.Combine(FixturePaths.RepoRoot, "docker-compose.yml");

    /// <summary>The folder <c>deploy/make-certs.sh</c> writes the cluster's certificates to, as compose mounts it.</summary>
    public const string TlsSource = "./deploy/tls/";

    /// <summary>The variables <c>docker compose</c> would take from the shell.</summary>
    public static IReadOnlyDictionary<string, string> Variables { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ORCHESTRATOR_API_TOKEN"] = Token,
    };

    public IReadOnlyDictionary<string, ServiceProcess> Processes => processes;

    /// <summary>Loads the compose file, rewrites every service and starts them all; on failure, reports the logs and cleans up.</summary>
    /// <param name="output">Where the processes' output goes when something fails.</param>
    /// <param name="only">Run only these services (default: all but PostgreSQL).</param>
    /// <param name="adjust">Changes a service's rewritten environment before it starts (a test's fault injection).</param>
    public static async Task<ComposeCluster> StartAsync(ITestOutputHelper output, IReadOnlyCollection<string>? only = null, Action<string, Dictionary<string, string>>? adjust = null)
    {
        var cluster = new ComposeCluster(ComposeFile.Load(ComposePath, Variables), output);
        try
        {
            await cluster.PrepareAsync(only, adjust);
            await cluster.StartAllAsync();
            return cluster;
        }
        catch
        {
            cluster.DumpLogs();
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the scenario; when it fails, every process's output goes to the test output before the failure.</summary>
    public async Task Guard(Func<Task> scenario)
    {
        try
        {
            await scenario();
        }
        catch
        {
            DumpLogs();
            throw;
        }
    }

    public Uri Rest(string service) => restUrls[service];

    /// <summary>A node's health listener (<c>/healthz</c>, <c>/readyz</c>), rewritten to its loopback address.</summary>
    public Uri Health(string service) => healthUrls[service];

    public ServiceProcess Service(string name) => processes[name];

    /// <summary>The loopback address a service binds and advertises here (its compose host name, rewritten).</summary>
    public string Address(string service) => addresses[service];

    public void Kill(string service) => processes[service].Kill();

    /// <summary>Starts a killed service again with the same environment (as <c>restart: unless-stopped</c> would).</summary>
    public Task RestartAsync(string service)
    {
        processes[service].Start();
        return WaitHealthyAsync(service);
    }

    /// <summary>
    /// Starts one more process like service <paramref name="like"/>: its environment on an address of its own, changed
    /// by <paramref name="adjust"/> (a second agent claiming a host, a misconfigured replica).
    /// </summary>
    public async Task StartLikeAsync(string name, string like, Action<Dictionary<string, string>> adjust)
    {
        var original = addresses[like];
        var address = $"{original[..original.LastIndexOf('.')]}.{200 + processes.Count}";
        var environment = processes[like].Environment.ToDictionary(e => e.Key,
            e => e.Value == original ? address : e.Value.Replace($"://{original}:", $"://{address}:", StringComparison.Ordinal), StringComparer.Ordinal);
        adjust(environment);
        addresses[name] = address;
        if (environment.TryGetValue("Orchestrator__Node__Health", out var health))
        {
            healthUrls[name] = new Uri(health);
        }
        processes[name] = new ServiceProcess(name, EntryAssembly(File.Services[like]), environment, scratch.Combine(name), log);
        processes[name].Start();
        await WaitHealthyAsync(name);
    }

    private async Task PrepareAsync(IReadOnlyCollection<string>? only, Action<string, Dictionary<string, string>>? adjust)
    {
        var subnet = $"127.{Random.Shared.Next(16, 250)}.{Random.Shared.Next(0, 256)}";
        var index = 11;
        foreach (var name in File.Services.Keys)
        {
            addresses[name] = $"{subnet}.{index++}";
        }
        foreach (var service in File.Services.Values.Where(s => !s.IsPostgres && (only is null || only.Contains(s.Name))))
        {
            var environment = await RewriteAsync(service);
            adjust?.Invoke(service.Name, environment);
            var dll = EntryAssembly(service);
            processes[service.Name] = new ServiceProcess(service.Name, dll, environment, scratch.Combine(service.Name), log);
        }
    }

    /// <summary>
    /// The dll the service's Dockerfile runs (<c>ENTRYPOINT ["dotnet", "X.dll"]</c>), from the build output of the project
    /// it publishes (<c>dotnet publish src/P/P.csproj</c> → <c>src/P/bin/&lt;configuration&gt;/&lt;tfm&gt;/X.dll</c>, in the
    /// configuration this test was built in; building this test builds those projects). Not this test's own folder: the
    /// controller's references put ASP.NET's shared framework in it, which a node process does not load.
    /// </summary>
    public static string EntryAssembly(ComposeFile file, ComposeService service)
    {
        var build = service.Build ?? throw new InvalidOperationException($"service {service.Name} has no build section");
        var context = file.Resolve(build.Context);
        var dockerfile = System.IO.File.ReadAllLines(Path.Combine(context, build.Dockerfile));
        var entry = dockerfile.LastOrDefault(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{build.Dockerfile} has no ENTRYPOINT");
        var dll = JsonSerializer.Deserialize<string[]>(entry["ENTRYPOINT".Length..].Trim())!.Single(w => w.EndsWith(".dll", StringComparison.Ordinal));
        var publish = dockerfile.Select(l => PublishedProject().Match(l)).FirstOrDefault(m => m.Success)
            ?? throw new InvalidOperationException($"{build.Dockerfile} has no 'dotnet publish <project>' line");
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        return Path.Combine(context, Path.GetDirectoryName(publish.Groups["project"].Value)!, "bin", configuration, tfm.Name, dll);
    }

    private string EntryAssembly(ComposeService service)
    {
        var dll = EntryAssembly(File, service);
        return System.IO.File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} (service {service.Name}) is not built: dotnet build tests/Cluster.Tests builds it");
    }

    private async Task<Dictionary<string, string>> RewriteAsync(ComposeService service)
    {
        var own = addresses[service.Name];
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var postgres = File.Services.Values.Where(s => s.IsPostgres).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in service.Environment)
        {
            if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase)
                && new NpgsqlConnectionStringBuilder(value) is { Host: { } host } original && postgres.Contains(host))
            {
                environment[key] = await DatabaseAsync(original.Database ?? "postgres");
            }
            else if (key == "ASPNETCORE_URLS")
            {
                environment[key] = string.Join(';', value.Split(';').Select(url =>
                {
                    var uri = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
                    var port = service.Ports.Any(p => p.Container == uri.Port) ? FreePorts.Next() : uri.Port;
                    var local = new Uri($"{uri.Scheme}://{own}:{port}");
                    restUrls.TryAdd(service.Name, local);
                    return local.ToString().TrimEnd('/');
                }));
            }
            else
            {
                environment[key] = Rewrite(service, value);
                if (key == "Orchestrator__Node__Health")
                {
                    healthUrls[service.Name] = new Uri(environment[key]);
                }
            }
        }
        foreach (var (key, value) in TestOnlySettings(environment))
        {
            environment[key] = value;
        }
        return environment;
    }

    /// <summary>Host names, wildcard binds and bind-mounted paths in one setting.</summary>
    private string Rewrite(ComposeService service, string value)
    {
        if (value == "0.0.0.0")
        {
            return addresses[service.Name];
        }
        if (value.Contains("://0.0.0.0", StringComparison.Ordinal))
        {
            return value.Replace("://0.0.0.0", "://" + addresses[service.Name], StringComparison.Ordinal);
        }
        foreach (var volume in service.Volumes.Where(v => v.IsBindMount))
        {
            if (value == volume.Target || value.StartsWith(volume.Target + "/", StringComparison.Ordinal))
            {
                return Source(volume) + value[volume.Target.Length..];
            }
        }
        return HostName().Replace(value, m => addresses.TryGetValue(m.Value, out var ip) ? ip : m.Value);
    }

    /// <summary>
    /// Where a bind mount's file is here. The remoting certificates (<c>deploy/tls/</c>, made by
    /// <c>deploy/make-certs.sh</c> before <c>docker compose up</c>) are made by that very script for this cluster.
    /// </summary>
    private string Source(ComposeVolume volume)
    {
        if (!volume.Source.StartsWith(TlsSource, StringComparison.Ordinal))
        {
            return File.Resolve(volume.Source);
        }
        var tls = scratch.Combine("tls");
        if (!Directory.Exists(tls))
        {
            ClusterCertificates.Make(tls, [.. File.Services.Values.Where(s => !s.IsPostgres).Select(s => s.Name), "impostor"]);
        }
        return Path.Combine(tls, volume.Source[TlsSource.Length..]);
    }

    /// <summary>Test timings only (never in compose): the fast failure detector and SBR of <see cref="TestCluster.FastCluster"/>.</summary>
    private static IEnumerable<(string, string)> TestOnlySettings(Dictionary<string, string> environment)
    {
        if (environment.Keys.Any(k => k.StartsWith("Orchestrator__Controller__", StringComparison.Ordinal)))
        {
            yield return ("Orchestrator__Controller__ExtraHocon", TestCluster.FastCluster);
            yield return ("Orchestrator__Controller__NodeTimeout", "00:00:05");
        }
        if (environment.Keys.Any(k => k.StartsWith("Orchestrator__Node__", StringComparison.Ordinal)))
        {
            yield return ("Orchestrator__Node__ExtraHocon", TestCluster.FastCluster);
            yield return ("Orchestrator__Node__RegisterEvery", "00:00:01");
        }
    }

    private async Task<string> DatabaseAsync(string name)
    {
        if (!databases.TryGetValue(name, out var database))
        {
            database = await PostgresDatabase.CreateAsync();
            databases[name] = database;
        }
        return database.ConnectionString;
    }

    private async Task StartAllAsync()
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        var healthy = new HashSet<string>(StringComparer.Ordinal);
        while (started.Count < processes.Count)
        {
            var next = processes.Keys.FirstOrDefault(n => !started.Contains(n)
                && File.Services[n].DependsOn.Keys.All(d => File.Services[d].IsPostgres || started.Contains(d) || !processes.ContainsKey(d)))
                ?? throw new InvalidOperationException("depends_on has a cycle");
            foreach (var (dependency, condition) in File.Services[next].DependsOn)
            {
                if (condition == "service_healthy" && processes.ContainsKey(dependency) && healthy.Add(dependency))
                {
                    await WaitHealthyAsync(dependency);
                }
            }
            processes[next].Start();
            started.Add(next);
        }
        foreach (var name in processes.Keys.Where(healthy.Add))
        {
            await WaitHealthyAsync(name);
        }
    }

    /// <summary>What the service's health check checks: <c>/healthz</c> answers 200, or (no HTTP) the remoting port accepts a connection.</summary>
    public async Task WaitHealthyAsync(string name)
    {
        var process = processes[name];
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (!process.IsRunning)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"} before it was healthy");
            }
            if (await ProbeAsync(name))
            {
                log.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} [{name}#{process.Incarnation}] healthy");
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} was not healthy within {StartTimeout.TotalSeconds} s");
            }
            await Task.Delay(100);
        }
    }

    private async Task<bool> ProbeAsync(string name)
    {
        try
        {
            if (restUrls.TryGetValue(name, out var rest) || healthUrls.TryGetValue(name, out rest))
            {
                using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                using var response = await Http.GetAsync(new Uri(rest, "/healthz"), cancel.Token);
                return response.StatusCode == HttpStatusCode.OK;
            }
            var port = processes[name].Environment.Where(e => e.Key.EndsWith("__Port", StringComparison.Ordinal)).Select(e => int.Parse(e.Value, CultureInfo.InvariantCulture)).Single();
            using var client = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Parse(addresses[name]), port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    // ---- REST, as a client of the deployment sees it ----

    public static readonly JsonSerializerOptions Json = ProtocolSerializer.Options;

    public async Task<(HttpStatusCode Status, PlacementAccepted? Accepted, string Body)> PlaceAsync(string service, string key, object body, bool authorized = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Rest(service), "/api/v1/placements")) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        if (authorized)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var accepted = response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK ? JsonSerializer.Deserialize<PlacementAccepted>(text, Json) : null;
        return (response.StatusCode, accepted, text);
    }

    public async Task<T> GetAsync<T>(string service, string path)
    {
        using var response = await Http.GetAsync(new Uri(Rest(service), path));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {path} on {service}: {(int)response.StatusCode} {text}", null, response.StatusCode);
        }
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public Task<List<HostView>> HostsAsync(string service) => GetAsync<List<HostView>>(service, "/api/v1/hosts");

    public Task<HostPools> PoolsAsync(string service, string host) => GetAsync<HostPools>(service, $"/api/v1/hosts/{host}/pools");

    public Task<PlacementPage> PlacementsAsync(string service, string host) => GetAsync<PlacementPage>(service, $"/api/v1/placements?host={host}&limit=1000");

    /// <summary>Polls <paramref name="check"/> (transient REST errors count as "not yet") until it returns true.</summary>
    public static async Task EventuallyAsync(string what, TimeSpan timeout, Func<Task<bool>> check)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? last = null;
        while (true)
        {
            try
            {
                if (await check())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
            {
                last = e.Message;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not within {timeout.TotalSeconds} s{(last is null ? "" : $" (last error: {last})")}");
            }
            await Task.Delay(250);
        }
    }

    public void DumpLogs()
    {
        output.WriteLine($"---- {log.Count} lines of process output (compose services as local processes; addresses: {string.Join(", ", addresses.Select(a => $"{a.Key}={a.Value}"))}) ----");
        foreach (var line in log)
        {
            output.WriteLine(line);
        }
    }

    /// <summary>Every line a service printed so far (all incarnations).</summary>
    public IEnumerable<string> LinesOf(string service) => log.Where(l => l.Contains($" [{service}#", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var process in processes.Values)
        {
            process.Dispose();
        }
        foreach (var database in databases.Values)
        {
            await database.DisposeAsync();
        }
        Http.Dispose();
        scratch.Dispose();
    }

    [GeneratedRegex(@"dotnet publish (?<project>\S+\.csproj)")]
    private static partial Regex PublishedProject();

    [GeneratedRegex(@"(?<![\w.-])[A-Za-z][\w-]*(?![\w.-])")]
    private static partial Regex HostName();
}
