using System.Net;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// <c>/readyz</c> tells the truth after a restart (issue 15): a controller whose journal knows hosts is not ready until
/// they registered again, so a load balancer does not send placements that would be 503 and a host list that is short;
/// after the grace period it is ready with them missing.
/// </summary>
public sealed class ReadinessTests
{
    private const string Host = "storage-01";

    [Fact]
    public async Task A_restarted_controller_waits_for_the_hosts_its_journal_knows()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host);
        await cluster.WaitForHostsAsync(Host);
        Assert.IsType<PlacementAccepted>(await cluster.Ask(new PlaceBuffer("r-1", Host, ["0000:03:00.0"], 1 << 20)));
        await cluster.StopNodeAsync(Host);
        await cluster.StopControllerAsync(0);

        await cluster.StartControllerAsync();
        using var http = new HttpClient { BaseAddress = cluster.RestAddress() };
        var waiting = await Readyz.WaitAsync(http, "the coordinator answers", TimeSpan.FromSeconds(30), a => a.Body.GetProperty("coordinator").GetBoolean());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, waiting.Status);
        Assert.Contains($"waiting for hosts: 0 of 1 registered (not yet: {Host}); ready anyway 60 s after the coordinator started", waiting.Problems);

        await cluster.StartNodeAsync(Host);
        var ready = await Readyz.WaitAsync(http, "ready once the host registered", TimeSpan.FromSeconds(30), a => a.Status == HttpStatusCode.OK);
        Assert.Empty(ready.Problems);
    }

    [Fact]
    public async Task After_the_grace_period_it_is_ready_without_them()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync();
        await cluster.StartNodeAsync(Host);
        await cluster.WaitForHostsAsync(Host);
        await cluster.StopNodeAsync(Host);
        await cluster.StopControllerAsync(0);

        await cluster.StartControllerAsync(registrationGrace: TimeSpan.FromSeconds(8));
        using var http = new HttpClient { BaseAddress = cluster.RestAddress() };
        var waiting = await Readyz.WaitAsync(http, "the coordinator answers", TimeSpan.FromSeconds(30), a => a.Body.GetProperty("coordinator").GetBoolean());
        Assert.Contains(waiting.Problems, p => p.StartsWith("waiting for hosts: 0 of 1 registered", StringComparison.Ordinal));
        var ready = await Readyz.WaitAsync(http, "ready after the grace", TimeSpan.FromSeconds(30), a => a.Status == HttpStatusCode.OK);
        Assert.Empty(ready.Problems);
        Assert.Empty((await cluster.Ask<HostList>(new GetHosts())).Hosts);
    }
}
