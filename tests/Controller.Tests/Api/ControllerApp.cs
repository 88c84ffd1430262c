using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Orchestrator.Controller.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// The controller's real entry point in all-in-one mode behind WebApplicationFactory: a real ActorSystem (a cluster
/// of one member with roles controller and node), the placement coordinator, four simulated hosts from
/// <c>deploy/topologies</c> and a SQLite journal in a temp folder. Only HTTP is in memory.
/// </summary>
public class ControllerApp : WebApplicationFactory<ControllerProgram>, IAsyncLifetime
{
    public static readonly string[] SampleHosts = ["storage-01", "storage-02", "storage-03", "storage-04"];

    private readonly TempDirectory data = new();

    /// <summary>The bearer token the server requires on mutating endpoints; null: none (loopback only).</summary>
    protected virtual string? Token => null;

    /// <summary>The folder of topology files the all-in-one mode simulates.</summary>
    protected virtual string Topologies => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies");

    /// <summary>The hosts that must be Up before a test starts.</summary>
    protected virtual IReadOnlyList<string> Hosts => SampleHosts;

    public JsonSerializerOptions Json { get; } = new(ApiJson.Strict) { UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip };

    public string DataDirectory => data.Path;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Orchestrator:Controller:Port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orchestrator:Controller:Data", data.Path);
        builder.UseSetting("Orchestrator:AllInOne:Topologies", Topologies);
        builder.UseSetting("Orchestrator:AllInOne:RegisterEvery", "00:00:01");
        if (Token is { } token)
        {
            builder.UseSetting("Orchestrator:Api:Tokens:0", token);
        }
    }

    public async Task InitializeAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var hosts = await client.GetFromJsonAsync<List<HostView>>("/api/v1/hosts", Json);
                if (hosts is not null && Hosts.All(h => hosts.Any(v => v.Host == h && v.Status == HostStatus.Up)))
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // 503 while the coordinator starts.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the hosts {string.Join(", ", Hosts)} did not register within 60 s");
            }
            await Task.Delay(100);
        }
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        data.Dispose();
    }
}

/// <summary>The same server allowing 3 changes per second and client.</summary>
public sealed class RateLimitedControllerApp : ControllerApp
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Orchestrator:Api:MutationsPerSecond", "3");
    }
}

/// <summary>The same server with a bearer token configured.</summary>
public sealed class TokenControllerApp : ControllerApp
{
    public const string Secret = "s3cret-token-4711";

    /// <summary>Named clients beside <see cref="Secret"/>: name, token, scope.</summary>
    public static readonly (string Name, string Token, string Scope)[] Clients =
        [("grafana", "read-token-1", "read"), ("ci", "place-token-2", "place"), ("ops", "admin-token-3", "admin")];

    protected override string? Token => Secret;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        foreach (var (name, token, scope) in Clients)
        {
            builder.UseSetting($"Orchestrator:Api:Clients:{name}:Token", token);
            builder.UseSetting($"Orchestrator:Api:Clients:{name}:Scope", scope);
        }
    }

    public HttpClient ClientWith(string token)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ApiCollection
{
    // Tests that read Serilog's static logger must not run beside others that replace it (STACK trap 5).
    public const string Name = "rest bridge";
}
