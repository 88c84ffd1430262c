using Akka.Actor;
using Akka.Event;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Node.Nvmet;
using Orchestrator.Node.Pools;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Node.Agent;

/// <summary>
/// The node agent of one host (ARCHITECTURE §7.1): discovers the topology at start and on <see cref="Rescan"/>,
/// runs one <see cref="PoolActor"/> per provider the kernel registered (<c>p2pmem/size</c> &gt; 0), forwards
/// allocate and free to them, reports the host snapshot, and keeps placements applied to nvmet (<see cref="NvmetWatcher"/>).
/// </summary>
public sealed class HostAgent : ReceiveActor, IWithTimers
{
    private readonly TopologySource source;
    private readonly int snapshotEvery;
    private readonly IActorRef nvmet;
    private readonly NamespaceDevices namespaces;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, IActorRef> pools = new(StringComparer.Ordinal);

    // Pools that are down (journal failure, restarting with backoff), with the reason: reported, never forgotten.
    private readonly Dictionary<string, string> down = new(StringComparer.Ordinal);
    private readonly IActorRef? coordinator;
    private readonly TimeSpan registerEvery;
    private readonly long incarnation = DateTime.UtcNow.Ticks;
    private readonly TimeSpan poolPollEvery;
    private readonly TimeSpan rescanEvery;
    private readonly KernelPoolPoll? kernelPools;
    private long registrations;

    // The controller holds each pool's books at these revisions (its acknowledgement of a registration says so), so
    // the next registration lists only what changed since; sent: the revisions each unacknowledged registration reported.
    private Dictionary<string, long> acknowledged = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Dictionary<string, long>> sent = [];
    private HostTopology topology;
    private bool registered;
    private IActorRef? identityKeeper;
    private string? identity;

    // An ask for the identity is out: the timer and the controller's MemberUp both ask to register at start, and
    // each answer registered again: every host sent its whole books two or three times to a controller just started.
    private bool identityAsked;
    private string? refusal;

    /// <param name="initial">The topology discovered at start.</param>
    /// <param name="source">Where a rescan reads the topology again.</param>
    /// <param name="snapshotEvery">Pool snapshot interval, in events.</param>
    /// <param name="nvmet">Reads and writes nvmet configfs.</param>
    /// <param name="coordinator">The placement coordinator's singleton proxy; null when the node runs standalone.</param>
    /// <param name="registerEvery">How often to (re-)register: the registration carries every allocation (or what
    /// changed since the books the controller acknowledged holding), so a controller that restarted or lost sight of
    /// us reconciles without anyone asking.</param>
    /// <param name="nvmetEvery">How often the placements' namespaces are read again and converged (default 10 s).</param>
    /// <param name="poolPollEvery">How often the live kernel's pools are read (default 5 s; only from a sysfs root).</param>
    /// <param name="rescanEvery">How often the whole tree is read again and compared (default 60 s).</param>
    public HostAgent(HostTopology initial, TopologySource source, int snapshotEvery, NvmetApplier nvmet, IActorRef? coordinator = null, TimeSpan? registerEvery = null,
        TimeSpan? nvmetEvery = null, TimeSpan? poolPollEvery = null, TimeSpan? rescanEvery = null)
    {
        this.rescanEvery = rescanEvery ?? TimeSpan.FromSeconds(60);
        this.poolPollEvery = poolPollEvery ?? TimeSpan.FromSeconds(5);
        kernelPools = source.TopologyFile is null ? new KernelPoolPoll(source.SysfsRoot ?? "/") : null;
        topology = initial;
        this.source = source;
        this.snapshotEvery = snapshotEvery;
        this.coordinator = coordinator;
        namespaces = new NamespaceDevices(nvmet, source.SysfsRoot ?? "/");
        this.nvmet = Context.ActorOf(NvmetWatcher.Props(initial.Host, nvmet, coordinator, nvmetEvery ?? TimeSpan.FromSeconds(10)), "nvmet");
        this.registerEvery = registerEvery ?? TimeSpan.FromSeconds(30);

        Receive<AllocateBuffer>(m => ToPool(m.Provider, m.AllocationId, pool => pool.Forward(m with { Provider = Normalize(m.Provider) })));
        Receive<FreeBuffer>(m => ToPool(m.Provider, m.AllocationId, pool => pool.Forward(m with { Provider = Normalize(m.Provider) })));
        Receive<GetHostSnapshot>(Snapshot);
        Receive<RegistrationReady>(m =>
        {
            // A delta goes in one message: one that needs parts (many changes, or beside a pool listed whole) goes whole, in parts.
            if (m.Registration.Pools.Any(p => p.IsDelta)
                && m.Registration.Pools.Sum(p => p.Allocations.Count + (p.Freed?.Count ?? 0)) > RemotingLimits.AllocationsPerMessage)
            {
                ForgetAcknowledged();
                Register();
                return;
            }
            sent[m.Registration.Registration] = m.Registration.Pools.Where(p => p.Unavailable is null).ToDictionary(p => p.Provider, p => p.Revision, StringComparer.Ordinal);
            foreach (var old in sent.Keys.Where(r => r < m.Registration.Registration - 8).ToList())
            {
                sent.Remove(old);  // never acknowledged: a later acknowledgement supersedes it
            }
            var (header, parts) = RegistrationParts.Split(m.Registration);
            coordinator!.Tell(header);
            foreach (var part in parts)
            {
                coordinator.Tell(part);  // in order, right after the header, through the same proxy
            }
        });
        Receive<GetAgentHealth>(_ => Health());
        ReceiveAsync<Rescan>(async _ =>
        {
            var sender = Sender;
            sender.Tell(await RescanAsync());
        });
        ReceiveAsync<RescanNow>(async _ => await RescanAsync());
        Receive<ApplyNvmet>(m => this.nvmet.Forward(m));
        Receive<ResolveNamespace>(m => Sender.Tell(namespaces.Resolve(Host, m)));
        Receive<DesiredNvmet>(m => this.nvmet.Forward(m));
        Receive<RegisterNow>(_ => Register());
        Receive<HostRegistered>(m =>
        {
            if (m.Registration > 0 && sent.Remove(m.Registration, out var revisions))
            {
                acknowledged = revisions;
                foreach (var older in sent.Keys.Where(r => r < m.Registration).ToList())
                {
                    sent.Remove(older);
                }
            }
            if (!registered)
            {
                log.Info("host {0}: registered with the controller (node identity {1})", Host, identity);
            }
            registered = true;
            refusal = null;
        });
        Receive<Akka.Cluster.ClusterEvent.ReachableMember>(m =>
        {
            if (m.Member.HasRole(ClusterNames.ControllerRole))
            {
                Self.Tell(RegisterNow.Instance);
            }
        });
        Receive<Akka.Cluster.ClusterEvent.IMemberEvent>(m =>
        {
            if (m is Akka.Cluster.ClusterEvent.MemberUp up && up.Member.HasRole(ClusterNames.ControllerRole))
            {
                ForgetAcknowledged();  // a new controller process holds none of our books
                Self.Tell(RegisterNow.Instance);
            }
        });
        Receive<ReleaseNvmet>(m => this.nvmet.Forward(m));
        Receive<PoolDown>(m => down[m.Provider] = m.Reason);
        Receive<PollKernelPools>(_ => PollKernel());
        Receive<PoolKernelChanged>(m => coordinator?.Tell(new PoolFigures(Host, m.Pool)));
        Receive<IdentityKnown>(m =>
        {
            identityAsked = false;
            if (identity == m.Identity)
            {
                return;
            }
            identity = m.Identity;
            Self.Tell(RegisterNow.Instance);
        });
        Receive<HostRegistrationRefused>(m =>
        {
            if (m.Reason != refusal)
            {
                log.Error("host {0}: the controller refused our registration: {1}", Host, m.Reason);
            }
            refusal = m.Reason;
            ForgetAcknowledged();
        });
        Receive<HostRegistrationResync>(m =>
        {
            log.Debug("host {0}: the controller asks for everything ({1}): registering again in full", Host, m.Reason);
            ForgetAcknowledged();
            Register();
        });
        Receive<IdentityUnreadable>(m =>
        {
            identityAsked = false;  // the timer asks again
            log.Warning("host {0}: {1}", Host, m.Reason);
        });
        Receive<Status.Failure>(f => log.Warning("host {0}: {1}", Host, f.Cause.Message));
        Receive<PoolUp>(m =>
        {
            if (down.Remove(m.Provider) && coordinator is not null)
            {
                log.Info("host {0}: pool {1} is back", Host, m.Provider);
                Self.Tell(RegisterNow.Instance);  // the controller learns at once that it can place there again
            }
        });
    }

    public string Host => topology.Host;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(HostTopology initial, TopologySource source, int snapshotEvery, NvmetApplier nvmet, IActorRef? coordinator = null, TimeSpan? registerEvery = null,
        TimeSpan? nvmetEvery = null, TimeSpan? poolPollEvery = null, TimeSpan? rescanEvery = null)
        => Akka.Actor.Props.Create(() => new HostAgent(initial, source, snapshotEvery, nvmet, coordinator, registerEvery, nvmetEvery, poolPollEvery, rescanEvery));

    /// <summary>Requests from anyone but a controller of this cluster are dropped before any handler sees them (<see cref="SenderCheck"/>).</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (SenderCheck.Refusal(message, Sender, Context.System, coordinator is null ? null : Akka.Cluster.Cluster.Get(Context.System)) is { } refusal)
        {
            if (SenderCheck.ShouldLog(Sender, DateTime.UtcNow))
            {
                log.Warning("host {0}: {1}", Host, refusal);
            }
            return true;
        }
        return base.AroundReceive(receive, message);
    }

    protected override void PreStart()
    {
        StartPools();
        if (kernelPools is not null)
        {
            Timers.StartPeriodicTimer("kernel-pools", PollKernelPools.Instance, poolPollEvery);
        }
        Timers.StartPeriodicTimer("rescan", RescanNow.Instance, rescanEvery);
        if (coordinator is not null)
        {
            Timers.StartPeriodicTimer("register", RegisterNow.Instance, TimeSpan.FromMilliseconds(200), registerEvery);
            Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, Akka.Cluster.ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(Akka.Cluster.ClusterEvent.IMemberEvent), typeof(Akka.Cluster.ClusterEvent.ReachableMember));
        }
        log.Info("host {0}: {1} functions from {2}, {3} p2pmem pools: {4}", Host, topology.Functions.Count, source.Describe, pools.Count,
            string.Join(", ", topology.Providers.Select(p => $"{p.Address} {p.P2pMem!.Size} bytes ({p.P2pMem.Available} available, {(p.P2pMem.Published ? "published" : "unpublished")})")));
        foreach (var d in topology.Diagnostics)
        {
            log.Warning("host {0}: discovery: {1}", Host, d);
        }
    }

    private void StartPools()
    {
        foreach (var provider in topology.Providers)
        {
            var bdf = provider.Address.ToString();
            var kernel = new KernelPoolState(provider.P2pMem!.Size, provider.P2pMem.Available, provider.P2pMem.Published);
            if (pools.TryGetValue(bdf, out var existing))
            {
                existing.Tell(kernel);
                continue;
            }
            pools[bdf] = Context.ActorOf(PoolActor.SupervisedProps(Host, bdf, kernel, snapshotEvery, Self), "pool-" + bdf.Replace(':', '_'));
        }
    }

    /// <summary>The live kernel's pools: each change goes to its pool, which answers with the figures the controller gets.</summary>
    private void PollKernel()
    {
        var known = pools.Keys
            .Select(bdf => (bdf, topology.Find(PciAddress.Parse(bdf))?.P2pMem))
            .Select(p => (p.bdf, p.P2pMem is { } m ? new KernelPoolState(m.Size, m.Available, m.Published) : new KernelPoolState(0, 0, false)));
        foreach (var (provider, state, problem) in kernelPools!.Poll(known))
        {
            if (problem is not null)
            {
                log.Warning("host {0}: pool {1}: {2}", Host, provider, problem);
                continue;
            }
            var kernel = state!.Value;
            if (kernel.SizeBytes == 0 || !kernel.Published)
            {
                log.Warning("host {0}: pool {1}: {2}: no new placements there", Host, provider,
                    kernel.SizeBytes == 0 ? "the kernel no longer lists its p2pmem" : "its p2pmem is no longer published");
            }
            pools[provider].Tell(kernel);
        }
    }

    private async Task<RescanCompleted> RescanAsync()
    {
        HostTopology fresh;
        try
        {
            fresh = source.Discover();
        }
        catch (TopologyException e)
        {
            // The last good view stays; every pool and its buffers are untouched.
            log.Error("host {0}: rescan failed, keeping the previous topology: {1}", Host, e.Message);
            return new RescanCompleted(Host, [.. pools.Keys], [], [], e.Message);
        }
        foreach (var bdf in pools.Keys.Where(p => fresh.Find(PciAddress.Parse(p))?.P2pMem is not { Size: > 0 }))
        {
            if (fresh.Find(PciAddress.Parse(bdf)) is not null
                && fresh.Diagnostics.Any(d => d.Source.Contains($"/{bdf}/p2pmem/", StringComparison.Ordinal)))
            {
                continue;  // unreadable is not gone: keep the last kernel state we read
            }
            // A provider the kernel no longer lists keeps its books (nothing is forgotten) but can take nothing new.
            pools[bdf].Tell(new KernelPoolState(0, 0, false));
        }
        var changes = TopologyDiff.Compare(topology, fresh);
        foreach (var change in changes)
        {
            log.Warning("host {0}: topology changed: {1}", Host, change);
        }
        topology = fresh;
        StartPools();
        if (changes.Count > 0 && coordinator is not null)
        {
            Self.Tell(RegisterNow.Instance);  // the controller compares the trees and flags the placements they affect
        }
        var overcommitted = new List<string>();
        foreach (var status in await PoolStatuses())
        {
            var bdf = status.Provider;
            if (status.Overcommitted)
            {
                overcommitted.Add(bdf);
                log.Warning("host {0}: pool {1} overcommitted: kernel available {2} bytes, we hold {3}", Host, bdf, status.KernelAvailableBytes, status.CapacityBytes - status.AvailableBytes);
            }
        }
        foreach (var d in fresh.Diagnostics)
        {
            log.Warning("host {0}: rescan: {1}", Host, d);
        }
        return new RescanCompleted(Host, [.. pools.Keys], overcommitted,
            fresh.Diagnostics.Select(d => new Protocol.Topology.DiagnosticDocument { Source = d.Source, Message = d.Message }).ToList(), null, changes);
    }

    protected override void PostStop()
    {
        if (coordinator is not null)
        {
            Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);
        }
    }

    /// <summary>
    /// Sends the controller our topology and every pool with its allocations (it reconciles against them): a pool
    /// whose books the controller acknowledged holding lists only what changed since, and the controller asks for
    /// everything (<see cref="HostRegistrationResync"/>) when it cannot rebuild the rest.
    /// </summary>
    private void Register()
    {
        if (identity is null)
        {
            // The identity comes from the journal; registration waits for it (once known, it registers at once).
            if (identityAsked)
            {
                return;
            }
            identityAsked = true;
            identityKeeper ??= Context.ActorOf(IdentityKeeper.SupervisedProps($"identity/{Host}"), "identity");
            identityKeeper.Ask<IdentityKnown>(GetIdentity.Instance, TimeSpan.FromSeconds(30))
                .PipeTo(Self, failure: e => new IdentityUnreadable($"the node's identity is not readable from its journal yet: {e.Message}"));
            return;
        }
        var node = identity;
        var document = TopologyDocumentMapper.ToDocument(topology, withDiagnostics: true);
        var host = Host;
        var started = incarnation;
        var registration = ++registrations;
        PoolStatuses(acknowledged).PipeTo(Self, success: statuses => new RegistrationReady(new RegisterHost(host, document, statuses, started, node, registration)));
    }

    private void ForgetAcknowledged()
    {
        acknowledged = new(StringComparer.Ordinal);
        sent.Clear();
    }

    private void Snapshot(GetHostSnapshot m)
    {
        var document = TopologyDocumentMapper.ToDocument(topology, withDiagnostics: true);
        var host = Host;
        PoolStatuses().PipeTo(Sender, success: statuses => new HostSnapshot(host, document, Listing(statuses, m)));
    }

    /// <summary>Each pool's allocations cut to what the ask names or bounds (<see cref="GetHostSnapshot"/>); the figures stay whole.</summary>
    private static List<PoolStatus> Listing(List<PoolStatus> statuses, GetHostSnapshot m)
    {
        var wanted = m.Allocations?.ToHashSet(StringComparer.Ordinal);
        var left = m.MaxAllocations;
        var listed = new List<PoolStatus>(statuses.Count);
        foreach (var status in statuses)
        {
            var allocations = wanted is null ? status.Allocations : status.Allocations.Where(a => wanted.Contains(a.AllocationId)).ToList();
            if (allocations.Count > left)
            {
                allocations = allocations.Take(Math.Max(0, left)).ToList();  // pools list in offset order
            }
            left -= allocations.Count;
            listed.Add(allocations == status.Allocations ? status : status with { Allocations = allocations });
        }
        return listed;
    }

    private void Health()
    {
        var (host, clustered, isRegistered, refused) = (Host, coordinator is not null, registered, refusal);
        PoolStatuses().PipeTo(Sender, success: statuses => new AgentHealth(host, statuses, clustered, isRegistered, refused));
    }

    /// <summary>
    /// Every pool's status, in provider order, and never fewer: a pool that is down or does not answer is reported
    /// unavailable with the reason (its allocations unknown), so one failing pool neither hides the others nor
    /// reads as an empty pool.
    /// </summary>
    /// <param name="since">Per pool, a revision the controller holds: that pool lists only what changed after it, where it still knows.</param>
    private Task<List<PoolStatus>> PoolStatuses(IReadOnlyDictionary<string, long>? since = null)
    {
        var asks = pools.Select(p => down.TryGetValue(p.Key, out var reason)
            ? Task.FromResult(PoolStatus.CannotReport(p.Key, reason))
            : AskStatus(p.Key, p.Value, since?.GetValueOrDefault(p.Key) ?? 0)).ToList();
        // A function whose p2pmem attributes cannot be read has no pool yet (no capacity to open one with), but its
        // journal may hold books: it is reported as unreadable, never left out as if it had nothing.
        asks.AddRange(Unreadable().Where(u => !pools.ContainsKey(u.Provider)).Select(u => Task.FromResult(PoolStatus.CannotReport(u.Provider, u.Reason))));
        return Task.WhenAll(asks).ContinueWith(t => t.Result.OrderBy(s => s.Provider, StringComparer.Ordinal).ToList(), TaskScheduler.Default);
    }

    /// <summary>Functions of the tree whose <c>p2pmem</c> attributes the last discovery could not read, with the first reason.</summary>
    private IEnumerable<(string Provider, string Reason)> Unreadable()
        => topology.Functions.Where(f => f.P2pMem is null)
            .Select(f => (Provider: f.Address.ToString(), Diagnostic: topology.Diagnostics.FirstOrDefault(d => d.Source.Contains($"/{f.Address}/p2pmem/", StringComparison.Ordinal))))
            .Where(x => x.Diagnostic is not null)
            .Select(x => (x.Provider, $"its p2pmem attributes cannot be read ({x.Diagnostic!.Source}: {x.Diagnostic.Message}); rescan once they read well"));

    private static async Task<PoolStatus> AskStatus(string provider, IActorRef pool, long since)
    {
        try
        {
            return await pool.Ask<PoolStatus>(since > 0 ? new GetPoolStatus(since) : GetPoolStatus.Instance, TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
        {
            return PoolStatus.CannotReport(provider, "it did not answer within 10 s");
        }
        catch (Exception e)
        {
            return PoolStatus.CannotReport(provider, $"it answered with an error ({e.Message})");
        }
    }

    private void ToPool(string provider, string allocationId, Action<IActorRef> forward)
    {
        var bdf = Normalize(provider);
        if (down.TryGetValue(bdf, out var reason))
        {
            Sender.Tell(new BufferRefused(Host, provider, allocationId, RefusalReason.Unavailable, $"pool {bdf} on {Host} is unavailable: {reason}", null));
            return;
        }
        if (pools.TryGetValue(bdf, out var pool))
        {
            forward(pool);
            return;
        }
        Sender.Tell(new BufferRefused(Host, provider, allocationId, RefusalReason.UnknownProvider,
            $"host {Host} has no p2pmem pool on provider '{provider}' (pools: {(pools.Count == 0 ? "none" : string.Join(", ", pools.Keys))})", null));
    }

    private static string Normalize(string provider) => PciAddress.TryParse(provider, out var a) ? a.ToString() : provider;
}

/// <summary>Local: the registration is gathered, to be sent (in parts when large).</summary>
internal sealed record RegistrationReady(RegisterHost Registration);

/// <summary>Local: the identity keeper did not answer (its journal cannot be read yet).</summary>
internal sealed record IdentityUnreadable(string Reason);

/// <summary>Local: time to read the whole tree again.</summary>
internal sealed record RescanNow
{
    public static readonly RescanNow Instance = new();
}

/// <summary>Local: time to read the live kernel's pools.</summary>
internal sealed record PollKernelPools
{
    public static readonly PollKernelPools Instance = new();
}

/// <summary>Local: time to (re-)register with the controller.</summary>
internal sealed record RegisterNow
{
    public static readonly RegisterNow Instance = new();
}
