using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Controller.Hosting;
using Orchestrator.Controller.Placement;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// A real cluster in this process: a controller system and node systems over Akka remoting on 127.0.0.1, each with
/// its own journal (a SQLite file, or a PostgreSQL database: <see cref="TestJournals"/>). Cluster timings are tuned for tests only (STACK.md trap 6).
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(20);

    public const string FastCluster = """
        akka.cluster {
          seed-node-timeout = 1s
          retry-unsuccessful-join-after = 1s
          periodic-tasks-initial-delay = 0s
          gossip-interval = 200ms
          leader-actions-interval = 200ms
          unreachable-nodes-reaper-interval = 500ms
          down-removal-margin = 1s
          split-brain-resolver.stable-after = 2s
          singleton.hand-over-retry-interval = 200ms
          singleton-proxy.singleton-identification-interval = 200ms
          failure-detector.heartbeat-interval = 500ms
          failure-detector.acceptable-heartbeat-pause = 2s
        }
        akka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s
        akka.remote.retry-gate-closed-for = 200ms
        """;

    private readonly string dir = Path.Combine(Path.GetTempPath(), "p2p-cluster-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly Dictionary<string, IHost> nodes = new(StringComparer.Ordinal);
    private readonly List<WebApplication> controllers = [];

    public TestCluster(string journalKind = TestJournals.Sqlite)
    {
        Directory.CreateDirectory(dir);
        ControllerPort = FreePort();
        Journals = new TestJournals(journalKind, dir);
    }

    public int ControllerPort { get; }

    /// <summary>The controller's journal is <c>controller</c>, a node's is its host name.</summary>
    public TestJournals Journals { get; }

    public string Scratch(string name) => Path.Combine(dir, name);

    public string Seed => $"akka.tcp://orchestrator@127.0.0.1:{ControllerPort}";

    public IActorRef Coordinator { get; private set; } = ActorRefs.Nobody;

    public static string Topology(string host) => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", $"{host}.yaml");

    public static int FreePort() => FreePorts.Next();

    /// <param name="port">Akka remoting port (default: the first controller's).</param>
    /// <param name="seeds">Seed nodes (default: the first controller).</param>
    /// <param name="journal">The journal's name: controllers of one cluster share one (a SQLite file or a PostgreSQL database).</param>
    /// <param name="snapshotEvery">Coordinator snapshot interval, in events.</param>
    /// <param name="remoting">Remoting settings (default: plain, with the default connection cap).</param>
    /// <param name="registrationGrace">How long <c>/readyz</c> waits for the hosts the journal knows (default: the product's).</param>
    public async Task StartControllerAsync(int? port = null, IReadOnlyList<string>? seeds = null, string journal = "controller", int snapshotEvery = 25, RemotingSecurity? remoting = null,
        TimeSpan? registrationGrace = null)
    {
        var host = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], new ControllerOptions
        {
            Port = port ?? ControllerPort,
            Seeds = [.. seeds ?? [Seed]],
            Journal = await Journals.GetAsync(journal),
            NodeTimeout = TimeSpan.FromSeconds(3),
            SnapshotEvery = snapshotEvery,
            ExtraHocon = FastCluster,
            Remoting = remoting ?? new(),
            RegistrationGrace = registrationGrace ?? new ControllerOptions().RegistrationGrace,
        });
        await host.StartAsync();
        controllers.Add(host);
        Coordinator = await host.Services.GetRequiredService<ActorRegistry>().GetAsync<PlacementCoordinator>();
    }

    /// <summary>Points test requests at the coordinator proxy of another running controller.</summary>
    public async Task UseControllerAsync(int index)
    {
        Coordinator = await controllers[index].Services.GetRequiredService<ActorRegistry>().GetAsync<PlacementCoordinator>();
    }

    /// <summary>Where a running controller's REST bridge listens (Kestrel on a free loopback port).</summary>
    public Uri RestAddress(int index = 0) => new(controllers[index].Urls.First());

    public ActorSystem ControllerSystem(int index = 0) => controllers[index].Services.GetRequiredService<ActorSystem>();

    public ActorSystem NodeSystem(string name) => nodes[name].Services.GetRequiredService<ActorSystem>();

    public async Task StopControllerAsync(int index = 0)
    {
        var host = controllers[index];
        await host.StopAsync(TimeSpan.FromSeconds(30));
        await host.DisposeAsync();
        controllers.RemoveAt(index);
    }

    /// <param name="hostName">The host (its sample topology file).</param>
    /// <param name="configfsRoot">Where nvmet is applied; null: not applied.</param>
    /// <param name="name">The node's name in this cluster and its journal's (default: the host name); another name for
    /// the same host is a second agent claiming it, with books (and a node identity) of its own.</param>
    /// <param name="topology">The topology file (default: the host's sample in <c>deploy/topologies</c>).</param>
    /// <param name="registerEvery">How often the agent re-registers (default 1 s).</param>
    /// <param name="nvmetEvery">How often the node reads its placements' namespaces again (default 10 s).</param>
    /// <param name="sysfsRoot">Discover the host from this sysfs tree (its live pools polled every 200 ms) instead of a topology file.</param>
    /// <param name="blockRoot">With a topology file: the sysfs root holding <c>sys/class/block</c>, where nvmet namespaces' devices are resolved (<see cref="FakeNvmet"/>).</param>
    public async Task StartNodeAsync(string hostName, string? configfsRoot = null, string? name = null, string? topology = null, TimeSpan? registerEvery = null,
        TimeSpan? nvmetEvery = null, string? sysfsRoot = null, string? blockRoot = null)
    {
        var host = NodeHost.Build(new NodeOptions
        {
            Topology = sysfsRoot is null ? topology ?? Topology(hostName) : null,
            SysfsRoot = sysfsRoot ?? blockRoot ?? "/",
            Host = sysfsRoot is null ? null : hostName,
            PoolPollEvery = TimeSpan.FromMilliseconds(200),
            Journal = await Journals.GetAsync(name ?? hostName),
            Port = 0,
            Seeds = [Seed],
            RegisterEvery = registerEvery ?? TimeSpan.FromSeconds(1),
            ExtraHocon = FastCluster,
            NvmetApply = configfsRoot is not null,
            ConfigfsRoot = configfsRoot ?? NvmetApplier.DefaultConfigfsRoot,
            NvmetEvery = nvmetEvery ?? TimeSpan.FromSeconds(10),
        });
        await host.StartAsync();
        nodes[name ?? hostName] = host;
    }

    public async Task StopNodeAsync(string hostName)
    {
        var host = nodes[hostName];
        nodes.Remove(hostName);
        await host.StopAsync(TimeSpan.FromSeconds(30));
        host.Dispose();
    }

    /// <summary>The cluster addresses of the running nodes: a lone controller that restarts must list them as seeds, or it would seed a cluster of its own.</summary>
    public IReadOnlyList<string> NodeAddresses
        => nodes.Values.Select(n => Akka.Cluster.Cluster.Get(n.Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString()).ToList();

    /// <summary>The coordinator as a node reaches it: through its own singleton proxy, across remoting.</summary>
    public IActorRef CoordinatorFrom(string hostName) => nodes[hostName].Services.GetRequiredService<ActorRegistry>().Get<CoordinatorProxy>();

    public async Task<IActorRef> AgentOf(string hostName) => await nodes[hostName].Services.GetRequiredService<ActorRegistry>().GetAsync<HostAgent>();

    public async Task<T> Ask<T>(object message) => (T)await Coordinator.Ask<object>(message, AskTimeout);

    public async Task<object> Ask(object message) => await Coordinator.Ask<object>(message, AskTimeout);

    /// <summary>
    /// Waits until the controller sees every named host Up, registered by the node running now (not an earlier
    /// incarnation that has not yet been removed). Registration is periodic; no fixed sleeps.
    /// </summary>
    public Task WaitForHostsAsync(params string[] hostNames) => WaitForHostsAsync(TimeSpan.FromSeconds(45), hostNames);

    public async Task WaitForHostsAsync(TimeSpan timeout, params string[] hostNames)
    {
        var members = hostNames.ToDictionary(h => h, h => Akka.Cluster.Cluster.Get(nodes[h].Services.GetRequiredService<ActorSystem>()).SelfAddress.ToString());
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var list = await Coordinator.Ask<HostList>(new GetHosts(), TimeSpan.FromSeconds(3));
                if (hostNames.All(h => list.Hosts.Any(x => x.Host == h && x.Status == HostStatus.Up && x.Member == members[h])))
                {
                    return;
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // The singleton may be moving or starting; try again.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"hosts {string.Join(", ", hostNames)} did not register in time");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>What the node holds, by allocation id.</summary>
    public async Task<Dictionary<string, (string Provider, AllocationRecord Record)>> HeldOn(string hostName)
    {
        var snapshot = await (await AgentOf(hostName)).Ask<HostSnapshot>(new GetHostSnapshot(), AskTimeout);
        return snapshot.Pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, a))).ToDictionary(x => x.a.AllocationId, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in nodes.Values.Concat(controllers.Cast<IHost>()))
        {
            try
            {
                await host.StopAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
                // Shutting down anyway.
            }
            host.Dispose();
        }
        await Journals.DisposeAsync();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
