using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Hosting;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Tests;

/// <summary>A node host as the executable composes it (real remoting, real SQLite journal), started in-process.</summary>
internal sealed class RunningNode : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);  // the first SQLite write in a process takes seconds

    private readonly IHost host;

    private RunningNode(IHost host, IActorRef agent)
    {
        this.host = host;
        Agent = agent;
    }

    public IActorRef Agent { get; }

    public ActorSystem System => host.Services.GetRequiredService<ActorSystem>();

    public static async Task<RunningNode> StartAsync(NodeOptions options)
    {
        options.Port = 0;
        var host = NodeHost.Build(options);
        await host.StartAsync();
        var registry = host.Services.GetRequiredService<ActorRegistry>();
        var agent = await registry.GetAsync<HostAgent>();
        return new RunningNode(host, agent);
    }

    public Task<object> Ask(object message) => Agent.Ask<object>(message, Timeout);

    public async Task<BufferGranted> Allocate(string provider, string id, long size, long alignment = 0, FitStrategy strategy = FitStrategy.FirstFit)
    {
        var reply = await Ask(new AllocateBuffer(provider, id, size, alignment, strategy));
        return Assert.IsType<BufferGranted>(reply);
    }

    public async Task<BufferRefused> Refused(object message) => Assert.IsType<BufferRefused>(await Ask(message));

    public async Task<HostSnapshot> Snapshot() => Assert.IsType<HostSnapshot>(await Ask(new GetHostSnapshot()));

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(30));
        host.Dispose();
    }
}
