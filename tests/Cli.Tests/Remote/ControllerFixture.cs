using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Controller.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cli.Tests.Remote;

/// <summary>
/// A real controller in this process: the REST bridge on Kestrel (a free loopback port) and the all-in-one mode
/// with the four sample hosts of <c>deploy/topologies</c>. Ready once all four hosts have registered.
/// </summary>
public class ControllerFixture : IAsyncLifetime
{
    public static readonly string[] Hosts = ["storage-01", "storage-02", "storage-03", "storage-04"];

    private readonly TempDirectory data = new();
    private WebApplication? app;

    public string Url { get; private set; } = string.Empty;

    public static string Topologies => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies");

    protected virtual ApiOptions Api => new();

    public async Task InitializeAsync()
    {
        app = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], new ControllerOptions
        {
            Port = FreePorts.Next(),
            Data = data.Path,
            Api = Api,
            AllInOne = new AllInOneOptions { Enabled = true, Topologies = Topologies },
        });
        await app.StartAsync();
        Url = app.Urls.Single();
        using var http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var seen = 0;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var hosts = await http.GetFromJsonAsync<JsonElement>("/api/v1/hosts");
                seen = hosts.ValueKind == JsonValueKind.Array ? hosts.GetArrayLength() : 0;
                if (seen == Hosts.Length)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The coordinator answers 503 while it starts.
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{seen} of {Hosts.Length} hosts registered with the controller at {Url} within 60 s");
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await app.StopAsync(stop.Token);
            await app.DisposeAsync();
        }
        data.Dispose();
    }

    /// <summary>Runs p2pctl against this controller (<c>--server</c> appended).</summary>
    internal CliRun Run(params string[] args) => CliRun.Of([.. args, "--server", Url]);
}

/// <summary>The same controller with a bearer token on the mutating endpoints.</summary>
public sealed class TokenControllerFixture : ControllerFixture
{
    public const string Token = "s3cret";

    protected override ApiOptions Api => new() { Token = Token };
}
