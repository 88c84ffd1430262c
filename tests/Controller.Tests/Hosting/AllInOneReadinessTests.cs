using System.Net;
using System.Net.Http.Json;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Controller.Tests.Api;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>
/// The all-in-one controller hosts node agents, so its <c>/readyz</c> answers for their pools too: 503 naming the host,
/// the provider and the reason while a local pool's journal refuses writes (and for as long as it does), 200 again by
/// itself once it takes them, and 503 while a local agent does not answer.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AllInOneReadinessTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private const string Host = "storage-01";
    private const string Provider = "0000:04:00.0";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly HttpClient http = app.CreateClient();

    private Task<HttpResponseMessage> Place(string id) => http.PostAsJsonAsync("/api/v1/placements",
        new PlacementRequestBody(Host, ["0000:03:00.0"], 4096, Policy: new PlacementPolicy(Provider: Provider), RequestId: id), app.Json);

    [Fact]
    public async Task A_local_pool_that_cannot_journal_or_a_silent_local_agent_makes_the_controller_unready()
    {
        var ready = await Readyz.WaitAsync(http, "ready with every local host up", Patience, a => a.Status == HttpStatusCode.OK);
        Assert.True(ready.Body.GetProperty("hosts").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, (await Place("before")).StatusCode);

        // All-in-one: the pools journal into the controller's own SQLite file; only this pool's writes fail.
        using (SqliteWriteFault.Inject(Path.Combine(app.DataDirectory, "controller.db"), $"pool/{Host}/{Provider}"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Place("meets-the-fault")).StatusCode);
            var down = await Readyz.WaitAsync(http, "503 naming the pool", Patience, a => a.Status == HttpStatusCode.ServiceUnavailable);
            var problem = Assert.Single(down.Problems);
            Assert.StartsWith($"pool {Provider} on {Host} is unavailable: ", problem, StringComparison.Ordinal);
            Assert.Contains(SqliteWriteFault.Reason, problem, StringComparison.Ordinal);
            Assert.False(down.Body.GetProperty("hosts").GetBoolean());
            Assert.True(down.Body.GetProperty("coordinator").GetBoolean());
            Assert.True(down.Body.GetProperty("journal").GetBoolean());
            await Readyz.HoldsAsync(http, "503 while the pool's writes fail", TimeSpan.FromSeconds(3), a => a.Status == HttpStatusCode.ServiceUnavailable);
        }
        await Readyz.WaitAsync(http, "ready again by itself", Patience, a => a.Status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Created, (await Place("after")).StatusCode);

        var system = app.Services.GetRequiredService<ActorSystem>();
        var agent = await system.ActorSelection("/user/host-agent-storage-02").ResolveOne(TimeSpan.FromSeconds(10));
        await agent.GracefulStop(TimeSpan.FromSeconds(10));
        var silent = await Readyz.GetAsync(http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, silent.Status);
        Assert.Equal("the agent of host storage-02 does not answer within 3 s", Assert.Single(silent.Problems));
    }
}
