using System.Net;
using Akka.Actor;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Pools;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>
/// The node's opt-in health listener on a real Kestrel in front of the real host: off without the setting, 503 with
/// the host, the provider and the reason while a pool's journal refuses writes (and for as long as it does), ready
/// again by itself once it takes them; 503 while an agent does not answer or, in a cluster, no controller took it.
/// </summary>
public sealed class NodeHealthTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private NodeOptions Options(out HttpClient http, List<string>? seeds = null)
    {
        var url = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
        return new NodeOptions { Topology = SampleTopology, Journal = temp.Combine("node.db"), Health = url.ToString(), Seeds = seeds ?? [] };
    }

    [Fact]
    public void Without_the_setting_the_node_serves_no_http()
    {
        using var host = NodeHost.Build(new NodeOptions { Topology = SampleTopology, Journal = temp.Combine("node.db"), Port = 0 });
        Assert.Null(host.Services.GetService<IServer>());

        using var withHealth = NodeHost.Build(Options(out var http));
        http.Dispose();
        Assert.NotNull(withHealth.Services.GetService<IServer>());
    }

    [Fact]
    public async Task A_pool_whose_journal_refuses_writes_makes_the_node_unready_until_it_takes_them_again()
    {
        var options = Options(out var http);
        using var _ = http;
        await using var node = await RunningNode.StartAsync(options);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await Readyz.WaitAsync(http, "ready once the pools recovered", Patience, a => a.Status == HttpStatusCode.OK);
        Assert.Empty(ready.Problems);
        Assert.Equal("storage-01", ready.Body.GetProperty("host").GetString());
        var kept = await node.Allocate(ProviderA, "kept", 1 << 20);

        using (SqliteWriteFault.Inject(options.Journal!, PoolActor.PersistenceIdOf("storage-01", ProviderA)))
        {
            var refused = await node.Refused(new AllocateBuffer(ProviderA, "meets-the-fault", 1 << 20));
            Assert.Equal(RefusalReason.Unavailable, refused.Reason);
            var down = await Readyz.WaitAsync(http, "503 naming the pool", Patience, a => a.Status == HttpStatusCode.ServiceUnavailable);
            var problem = Assert.Single(down.Problems);
            Assert.Contains($"pool {ProviderA} on storage-01 is unavailable", problem, StringComparison.Ordinal);
            Assert.Contains(SqliteWriteFault.Reason, problem, StringComparison.Ordinal);
            Assert.False(down.Body.GetProperty("ready").GetBoolean());
            // It restarts and replays meanwhile (reads work): that alone must not make it ready while writes fail.
            await Readyz.HoldsAsync(http, "503 while the journal refuses the pool's writes", TimeSpan.FromSeconds(4), a => a.Status == HttpStatusCode.ServiceUnavailable);
            Assert.Equal(RefusalReason.Unavailable, (await node.Refused(new AllocateBuffer(ProviderA, "still-refused", 1 << 20))).Reason);
        }

        await Readyz.WaitAsync(http, "ready again by itself once writes work", Patience, a => a.Status == HttpStatusCode.OK);
        var after = await node.Allocate(ProviderA, "after", 1 << 20);
        var pool = (await node.Snapshot()).Pools.Single(p => p.Provider == ProviderA);
        Assert.Equal((kept.Offset, kept.Length), pool.Allocations.Where(a => a.AllocationId == "kept").Select(a => (a.Offset, a.Length)).Single());
        Assert.Contains(after.AllocationId, pool.Allocations.Select(a => a.AllocationId));
        ExtentAssert.NoOverlap(pool.Allocations);
    }

    [Fact]
    public async Task An_agent_that_does_not_answer_makes_the_node_unready()
    {
        var options = Options(out var http);
        using var _ = http;
        await using var node = await RunningNode.StartAsync(options);
        await Readyz.WaitAsync(http, "ready", Patience, a => a.Status == HttpStatusCode.OK);

        await node.Agent.GracefulStop(TimeSpan.FromSeconds(10));
        var answer = await Readyz.GetAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal($"the agent of host storage-01 does not answer within {NodeHealth.AskTimeout.TotalSeconds:0} s", Assert.Single(answer.Problems));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task A_clustered_node_no_controller_took_is_alive_but_not_ready()
    {
        // A seed nobody answers on: the node never joins, so no controller ever takes its registration.
        var options = Options(out var http, [$"akka.tcp://orchestrator@127.0.0.1:{FreePorts.Next()}"]);
        using var _ = http;
        await using var node = await RunningNode.StartAsync(options);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        // Until the pools have recovered the agent may not answer in time; then the one problem left is the registration.
        var answer = await Readyz.WaitAsync(http, "only the registration missing", Patience, a => a.Problems.Count == 1 && !a.Problems[0].Contains("does not answer", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
        Assert.Equal("host storage-01 is not registered with a controller yet", answer.Problems[0]);
    }
}
