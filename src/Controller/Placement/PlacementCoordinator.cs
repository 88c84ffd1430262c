using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The cluster singleton that places buffers (ARCHITECTURE §7.2–7.3). Two-phase and durable: it journals
/// <see cref="PlacementRequested"/>, asks the node to allocate (the node journals too), then journals
/// <see cref="PlacementCommitted"/> and only then answers. On registration it reconciles a host: orphans on the node
/// are freed, placements the node lost are marked <c>Lost</c>, and pending ones left by a restart are resolved.
/// </summary>
public sealed class PlacementCoordinator : ReceivePersistentActor
{
    public const string Name = "placement-coordinator";
    private const int MaxAttempts = 3;

    private readonly PlacementBook book;
    private readonly Dictionary<string, HostEntry> hosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InFlight> inFlight = new(StringComparer.Ordinal);
    private readonly CoordinatorSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Random random = new();
    private int eventsSinceSnapshot;

    private sealed record HostEntry(HostState State, IActorRef Agent, Address Address, long Incarnation);

    /// <summary>A placement being allocated or released right now, and who waits for the answer.</summary>
    private sealed class InFlight(PlacementExplanation? explanation, IReadOnlyList<string> ranked)
    {
        public List<IActorRef> Waiters { get; } = [];
        public PlacementExplanation? Explanation { get; } = explanation;
        public IReadOnlyList<string> Ranked { get; } = ranked;
        public int Attempt { get; set; }

        /// <summary>The request's fingerprint, for a retry that arrives before its first event is journaled.</summary>
        public string? Fingerprint { get; init; }

        /// <summary>A release (not a placement) is in flight.</summary>
        public bool Releasing { get; init; }
    }

    private sealed record AllocationOutcome(string PlacementId, int Attempt, object Reply);

    private sealed record ReleaseOutcome(string PlacementId, object Reply);

    public PlacementCoordinator(CoordinatorSettings settings)
    {
        this.settings = settings;
        book = new PlacementBook(settings.KeepFinished);
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is CoordinatorSnapshot snapshot)
            {
                book.Restore(snapshot);
            }
        });
        Recover<IPlacementEvent>(e => book.Apply(e));
        Recover<RecoveryCompleted>(_ => log.Info("placement coordinator recovered {0} placements", book.Count));

        Command<RegisterHost>(Register);
        Command<PlaceBuffer>(Place);
        Command<ExplainPlacement>(Explain);
        Command<ReleasePlacement>(Release);
        Command<GetPlacement>(m => Sender.Tell(book.Find(m.PlacementId) is { } p ? new PlacementFound(p) : Unknown(m.PlacementId)));
        Command<ListPlacements>(List);
        Command<GetHosts>(_ => Sender.Tell(new HostList(hosts.Values.OrderBy(h => h.State.Host, StringComparer.Ordinal).Select(View).ToList())));
        Command<GetHostTopology>(m => Sender.Tell(hosts.TryGetValue(m.Host, out var h)
            ? new HostTopologyFound(m.Host, TopologyDocumentMapper.ToDocument(h.State.Topology, withDiagnostics: true))
            : UnknownHost(m.Host)));
        Command<GetHostPools>(HostPools);
        Command<GetControllerStats>(_ => Sender.Tell(Stats()));
        Command<SetDrain>(Drain);
        Command<AllocationOutcome>(OnAllocation);
        Command<ReleaseOutcome>(OnRelease);
        Command<BufferReleased>(OnUnsolicitedRelease);
        Command<VerifyLost>(OnVerifyLost);
        Command<NvmetResult>(OnNvmetResult);
        Command<ClusterEvent.UnreachableMember>(m => SetStatus(m.Member.Address, HostStatus.Unreachable));
        Command<ClusterEvent.ReachableMember>(m => SetStatus(m.Member.Address, HostStatus.Up));
        Command<ClusterEvent.MemberRemoved>(m => SetStatus(m.Member.Address, HostStatus.Down));
        Command<ClusterEvent.IMemberEvent>(_ => { });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(f => log.Warning("coordinator snapshot failed: {0}", f.Cause.Message));
    }

    public override string PersistenceId => settings.PersistenceId;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new PlacementCoordinator(settings));

    /// <summary>
    /// The coordinator under a backoff supervisor (1 s doubling to 30 s): a persistent actor stops when its journal
    /// fails (database unreachable at start, or a write failing under load), and a cluster singleton that stopped
    /// would stay stopped. Meanwhile requests time out as 503 and <c>/readyz</c> says why; nothing acknowledged is
    /// lost, because an answer is only sent after its event is journaled.
    /// </summary>
    public static Props SupervisedProps(CoordinatorSettings settings)
        => BackoffSupervisor.Props(Backoff.OnStop(Props(settings), Name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        log.Error("placement coordinator cannot read its journal ({0}); retrying with backoff", reason.Message);
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        log.Error("placement coordinator cannot write its journal ({0}); restarting with backoff, requests in flight will time out", cause.Message);
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    protected override void PreStart()
    {
        base.PreStart();
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private void Register(RegisterHost m)
    {
        if (hosts.TryGetValue(m.Host, out var known) && known.Incarnation > m.Incarnation)
        {
            log.Info("host {0}: ignoring a registration from an older incarnation at {1}", m.Host, Sender.Path.Address);
            return;
        }
        HostTopology topology;
        try
        {
            topology = TopologyDocumentMapper.ToModel(m.Topology, $"registration of {m.Host}", m.Host);
        }
        catch (TopologyException e)
        {
            log.Error("host {0} sent a topology we cannot read: {1}", m.Host, e.Message);
            return;
        }
        var state = new HostState(topology, m.Pools) { Drained = book.IsDrained(m.Host, null) };
        foreach (var pool in m.Pools.Where(p => book.IsDrained(m.Host, p.Provider)))
        {
            state.DrainedProviders.Add(pool.Provider);
        }
        hosts[m.Host] = new HostEntry(state, Sender, Sender.Path.Address.HasGlobalScope ? Sender.Path.Address : Cluster.Get(Context.System).SelfAddress, m.Incarnation);
        log.Info("host {0} registered: {1} pools, {2} buffers held", m.Host, m.Pools.Count, m.Pools.Sum(p => p.AllocationCount));
        Reconcile(m.Host, m.Pools);
        Sender.Tell(new HostRegistered(m.Host));
    }

    private void Reconcile(string host, IReadOnlyList<PoolStatus> pools)
    {
        var agent = hosts[host].Agent;
        var held = pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, a))).ToDictionary(x => x.a.AllocationId, StringComparer.Ordinal);
        var events = new List<IPlacementEvent>();
        foreach (var (id, (provider, allocation)) in held)
        {
            var placement = book.Find(id);
            if (placement is null || placement.Host != host || placement.Provider != provider
                || placement.State is PlacementState.Released or PlacementState.Failed or PlacementState.Lost)
            {
                log.Info("host {0}: freeing orphan buffer {1} on {2}", host, id, provider);
                agent.Tell(new FreeBuffer(provider, id), Self);
            }
            else if (placement.State == PlacementState.Pending && !inFlight.ContainsKey(id))
            {
                events.Add(new PlacementCommitted(id, allocation.Offset, allocation.Length));
            }
            else if (placement.State == PlacementState.Releasing && !inFlight.ContainsKey(id))
            {
                agent.Tell(new FreeBuffer(provider, id), Self);
            }
        }
        var suspects = new List<string>();
        foreach (var placement in book.OnHost(host).Where(p => !held.ContainsKey(p.PlacementId) && !inFlight.ContainsKey(p.PlacementId)))
        {
            if (placement.State == PlacementState.Committed)
            {
                suspects.Add(placement.PlacementId);
                continue;
            }
            IPlacementEvent? e = placement.State switch
            {
                PlacementState.Pending => new PlacementFailed(placement.PlacementId, $"host {host} never allocated it"),
                PlacementState.Releasing => new PlacementReleased(placement.PlacementId),
                _ => null,
            };
            if (e is not null)
            {
                events.Add(e);
            }
        }
        if (events.Count > 0)
        {
            log.Info("host {0}: reconciliation records {1} changes", host, events.Count);
            PersistAll(events, Apply);
        }
        if (suspects.Count > 0)
        {
            // A registration can cross a commit in flight: only a snapshot asked for after the commit proves a loss.
            agent.Ask<HostSnapshot>(new GetHostSnapshot(), settings.NodeTimeout)
                .PipeTo(Self, success: s => new VerifyLost(host, suspects, s), failure: _ => new VerifyLost(host, [], null));
        }
    }

    private sealed record VerifyLost(string Host, IReadOnlyList<string> Suspects, HostSnapshot? Fresh);

    private void OnVerifyLost(VerifyLost m)
    {
        if (m.Fresh is null)
        {
            return;
        }
        var held = m.Fresh.Pools.SelectMany(p => p.Allocations).Select(a => a.AllocationId).ToHashSet(StringComparer.Ordinal);
        var lost = m.Suspects.Where(id => !held.Contains(id) && book.Find(id)?.State == PlacementState.Committed && !inFlight.ContainsKey(id))
            .Select(id => (IPlacementEvent)new PlacementLost(id, $"host {m.Host} no longer holds the buffer")).ToList();
        if (lost.Count > 0)
        {
            log.Warning("host {0}: {1} committed placements lost", m.Host, lost.Count);
            PersistAll(lost, Apply);
        }
    }

    private void Place(PlaceBuffer m)
    {
        if (string.IsNullOrWhiteSpace(m.RequestId))
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.Invalid, "requestId is empty", null));
            return;
        }
        var fingerprint = Fingerprint(m);
        if (book.Find(m.RequestId) is null && inFlight.TryGetValue(m.RequestId, out var unjournaled))
        {
            // Its PlacementRequested is still being written (events are journaled asynchronously, in batches).
            if (unjournaled.Fingerprint != fingerprint)
            {
                Sender.Tell(new PlacementRejected(PlacementErrorKind.Conflict, $"requestId '{m.RequestId}' was already used for a different request", null));
            }
            else
            {
                unjournaled.Waiters.Add(Sender);
            }
            return;
        }
        if (book.Find(m.RequestId) is { } existing)
        {
            if (book.RequestOf(m.RequestId)!.RequestFingerprint != fingerprint)
            {
                Sender.Tell(new PlacementRejected(PlacementErrorKind.Conflict, $"requestId '{m.RequestId}' was already used for a different request", null));
            }
            else if (inFlight.TryGetValue(m.RequestId, out var pending) && !pending.Releasing && existing.State == PlacementState.Pending)
            {
                pending.Waiters.Add(Sender);
            }
            else
            {
                Sender.Tell(Replay(existing));
            }
            return;
        }
        hosts.TryGetValue(m.Host, out var entry);
        if (RequestValidation.Validate(entry?.State, m.Host, m.Clients, m.SizeBytes, m.Policy, out var request) is { } invalid)
        {
            Sender.Tell(invalid);
            return;
        }
        if (entry!.State.Status != HostStatus.Up)
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{m.Host}' is {entry.State.Status}", null));
            return;
        }
        if (entry.State.Drained)
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.Draining, $"host '{m.Host}' is draining", null));
            return;
        }
        var decision = PlacementDecider.Decide(entry.State, request!, random);
        if (decision.Chosen is not { } provider)
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.NoCompatibleProvider, $"no provider on '{m.Host}' fits: see the explanation", decision.Explanation));
            return;
        }
        var flight = new InFlight(decision.Explanation, decision.Ranked) { Fingerprint = fingerprint };
        flight.Waiters.Add(Sender);
        inFlight[m.RequestId] = flight;
        var requested = new PlacementRequested(m.RequestId, m.RequestId, m.Host, provider, request!.Clients.Select(c => c.ToString()).ToList(),
            m.SizeBytes, m.Nvmeof, PlacementRequest.ModeName(request.Mode), fingerprint);
        // PersistAsync throughout the placement and release paths: the coordinator keeps taking requests while their
        // events are written, so the journal commits many in one transaction instead of one commit per event. Every
        // answer is still sent only from the handler, after its event is journaled; inFlight guards the window.
        PersistAsync(requested, e =>
        {
            Apply(e);
            SendAllocate(e, flight);
        });
    }

    private void SendAllocate(PlacementRequested e, InFlight flight)
    {
        var attempt = ++flight.Attempt;
        if (!hosts.TryGetValue(e.Host, out var entry))
        {
            Self.Tell(new AllocationOutcome(e.PlacementId, attempt, new Status.Failure(new InvalidOperationException($"host {e.Host} is gone"))));
            return;
        }
        entry.Agent.Ask<object>(new AllocateBuffer(e.Provider, e.PlacementId, e.SizeBytes), settings.NodeTimeout)
            .PipeTo(Self, success: reply => new AllocationOutcome(e.PlacementId, attempt, reply), failure: ex => new AllocationOutcome(e.PlacementId, attempt, new Status.Failure(ex)));
    }

    private void OnAllocation(AllocationOutcome outcome)
    {
        if (!inFlight.TryGetValue(outcome.PlacementId, out var flight) || flight.Attempt != outcome.Attempt)
        {
            return;
        }
        var request = book.RequestOf(outcome.PlacementId)!;
        switch (outcome.Reply)
        {
            case BufferGranted granted:
                PersistAsync(new PlacementCommitted(outcome.PlacementId, granted.Offset, granted.Length), e =>
                {
                    Apply(e);
                    AdjustPool(request.Host, request.Provider, -e.Length);
                    ApplyToNvmet(request);
                    Finish(outcome.PlacementId, Answer(book.Find(outcome.PlacementId)!, existing: false, flight.Explanation));
                });
                break;
            case BufferRefused { Reason: RefusalReason.NoContiguousSpace or RefusalReason.Overcommitted } refused:
                // Our view of the pool was stale: correct it and try the next candidate, a bounded number of times.
                MarkFull(request.Host, request.Provider, refused.Reason == RefusalReason.Overcommitted);
                var next = flight.Ranked.Skip(flight.Attempt).FirstOrDefault();
                if (next is null || flight.Attempt >= MaxAttempts)
                {
                    Fail(outcome.PlacementId, PlacementErrorKind.NoCompatibleProvider, refused.Message, flight.Explanation);
                    return;
                }
                PersistAsync(request with { Provider = next }, e =>
                {
                    Apply(e);
                    SendAllocate(e, flight);
                });
                break;
            case BufferRefused refused:
                Fail(outcome.PlacementId, refused.Reason == RefusalReason.Conflict ? PlacementErrorKind.Conflict : PlacementErrorKind.Invalid, refused.Message, flight.Explanation);
                break;
            case Status.Failure failure:
                // The node may still allocate late: ask it to free, and reconciliation catches what this misses.
                if (hosts.TryGetValue(request.Host, out var entry))
                {
                    entry.Agent.Tell(new FreeBuffer(request.Provider, request.PlacementId), Self);
                }
                Fail(outcome.PlacementId, PlacementErrorKind.Unavailable, $"host '{request.Host}' did not answer: {failure.Cause.Message}", flight.Explanation);
                break;
            default:
                Fail(outcome.PlacementId, PlacementErrorKind.Unavailable, $"unexpected reply {outcome.Reply.GetType().Name}", flight.Explanation);
                break;
        }
    }

    /// <summary>
    /// Points the target's namespace at the provider (§7.4). The node reports the outcome (applied, busy, missing,
    /// disabled); the placement stands either way: the buffer is reserved, and an operator can apply it later.
    /// </summary>
    private void ApplyToNvmet(PlacementRequested request)
    {
        if (request.Nvmeof is { } target && hosts.TryGetValue(request.Host, out var entry))
        {
            entry.Agent.Tell(new ApplyNvmet(request.PlacementId, request.Provider, target.SubsystemNqn, target.NamespaceId), Self);
        }
    }

    private void OnNvmetResult(NvmetResult result)
    {
        if (result.Outcome is NvmetOutcome.Applied or NvmetOutcome.Disabled)
        {
            log.Info("placement {0}: nvmet {1}: {2}", result.AllocationId, result.Outcome, result.Message);
        }
        else
        {
            log.Warning("placement {0}: nvmet {1}: {2}", result.AllocationId, result.Outcome, result.Message);
        }
    }

    private void Fail(string placementId, PlacementErrorKind kind, string message, PlacementExplanation? explanation)
    {
        PersistAsync(new PlacementFailed(placementId, message), e =>
        {
            Apply(e);
            Finish(placementId, new PlacementRejected(kind, message, explanation));
        });
    }

    private void Finish(string placementId, object answer)
    {
        if (inFlight.Remove(placementId, out var flight))
        {
            foreach (var waiter in flight.Waiters)
            {
                waiter.Tell(answer);
            }
        }
    }

    private void Explain(ExplainPlacement m)
    {
        hosts.TryGetValue(m.Host, out var entry);
        if (RequestValidation.Validate(entry?.State, m.Host, m.Clients, m.SizeBytes, m.Policy, out var request) is { } invalid)
        {
            Sender.Tell(invalid);
            return;
        }
        Sender.Tell(PlacementDecider.Decide(entry!.State, request!, random).Explanation);
    }

    private void Release(ReleasePlacement m)
    {
        if (book.Find(m.PlacementId) is not { } placement)
        {
            Sender.Tell(Unknown(m.PlacementId));
            return;
        }
        if (inFlight.TryGetValue(m.PlacementId, out var flight))
        {
            if (flight.Releasing)
            {
                flight.Waiters.Add(Sender);
            }
            else
            {
                Sender.Tell(new PlacementRejected(PlacementErrorKind.Conflict, $"placement '{m.PlacementId}' is still being placed", null));
            }
            return;
        }
        switch (placement.State)
        {
            case PlacementState.Committed:
                var releasing = new InFlight(null, []) { Releasing = true };
                releasing.Waiters.Add(Sender);
                inFlight[m.PlacementId] = releasing;
                PersistAsync(new ReleaseRequested(m.PlacementId), e =>
                {
                    Apply(e);
                    SendFree(placement);
                });
                break;
            case PlacementState.Releasing:
                var again = new InFlight(null, []) { Releasing = true };
                again.Waiters.Add(Sender);
                inFlight[m.PlacementId] = again;
                SendFree(placement);
                break;
            default:
                Sender.Tell(new PlacementFound(placement));  // released, failed or lost: nothing to free
                break;
        }
    }

    private void SendFree(PlacementView placement)
    {
        if (!hosts.TryGetValue(placement.Host, out var entry))
        {
            Self.Tell(new ReleaseOutcome(placement.PlacementId, new Status.Failure(new InvalidOperationException($"host {placement.Host} has not registered"))));
            return;
        }
        entry.Agent.Ask<object>(new FreeBuffer(placement.Provider, placement.PlacementId), settings.NodeTimeout)
            .PipeTo(Self, success: reply => new ReleaseOutcome(placement.PlacementId, reply), failure: ex => new ReleaseOutcome(placement.PlacementId, new Status.Failure(ex)));
    }

    private void OnRelease(ReleaseOutcome outcome)
    {
        var placement = book.Find(outcome.PlacementId)!;
        if (outcome.Reply is BufferReleased released)
        {
            PersistAsync(new PlacementReleased(outcome.PlacementId), e =>
            {
                Apply(e);
                if (released.WasHeld)
                {
                    AdjustPool(placement.Host, placement.Provider, placement.Length ?? 0);
                }
                if (placement.Nvmeof is { } target && hosts.TryGetValue(placement.Host, out var entry))
                {
                    entry.Agent.Tell(new ReleaseNvmet(placement.PlacementId, target.SubsystemNqn, target.NamespaceId), Self);
                }
                Finish(outcome.PlacementId, new PlacementFound(book.Find(outcome.PlacementId)!));
            });
            return;
        }
        var message = outcome.Reply is Status.Failure f ? f.Cause.Message : outcome.Reply.ToString();
        // The placement stays Releasing; the next release or the host's next registration completes it.
        Finish(outcome.PlacementId, new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{placement.Host}' did not confirm the release: {message}", null));
    }

    /// <summary>A free sent by reconciliation (or after a timeout) was confirmed.</summary>
    private void OnUnsolicitedRelease(BufferReleased m)
    {
        if (book.Find(m.AllocationId) is { State: PlacementState.Releasing } p && !inFlight.ContainsKey(m.AllocationId))
        {
            Persist(new PlacementReleased(p.PlacementId), Apply);
        }
    }

    private void Drain(SetDrain m)
    {
        if (!hosts.TryGetValue(m.Host, out var entry))
        {
            Sender.Tell(UnknownHost(m.Host));
            return;
        }
        if (m.Provider is not null && !entry.State.Pools.ContainsKey(m.Provider))
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.UnknownDevice, $"host '{m.Host}' has no pool on '{m.Provider}'", null));
            return;
        }
        var sender = Sender;
        Persist(new DrainChanged(m.Host, m.Provider, m.Drained), e =>
        {
            Apply(e);
            if (e.Provider is null)
            {
                entry.State.Drained = e.Drained;
            }
            else if (e.Drained)
            {
                entry.State.DrainedProviders.Add(e.Provider);
            }
            else
            {
                entry.State.DrainedProviders.Remove(e.Provider);
            }
            sender.Tell(new DrainSet(e.Host, e.Provider, e.Drained));
        });
    }

    /// <summary>Applies a journaled event on the live path, and snapshots every N of them (recovery replays at most N).</summary>
    private void Apply(IPlacementEvent e)
    {
        book.Apply(e);
        if (++eventsSinceSnapshot >= settings.SnapshotEvery)
        {
            SaveSnapshot(book.Snapshot());
            eventsSinceSnapshot = 0;
        }
    }

    private void AdjustPool(string host, string provider, long delta)
    {
        if (hosts.TryGetValue(host, out var entry) && entry.State.Pools.TryGetValue(provider, out var pool))
        {
            var available = Math.Clamp(pool.AvailableBytes + delta, 0, pool.CapacityBytes);
            // Our view of the largest extent is a bound, not exact: a stale view costs one refused attempt, never a double allocation.
            var largest = delta < 0 ? Math.Min(pool.LargestFreeExtentBytes, available) : Math.Min(pool.LargestFreeExtentBytes + delta, available);
            var count = Math.Max(0, pool.AllocationCount + (delta < 0 ? 1 : -1));
            entry.State.Pools[provider] = pool with { AvailableBytes = available, LargestFreeExtentBytes = largest, AllocationCount = count };
        }
    }

    private void MarkFull(string host, string provider, bool overcommitted)
    {
        if (hosts.TryGetValue(host, out var entry) && entry.State.Pools.TryGetValue(provider, out var pool))
        {
            entry.State.Pools[provider] = pool with { LargestFreeExtentBytes = 0, Overcommitted = overcommitted || pool.Overcommitted };
        }
    }

    private void SetStatus(Address address, HostStatus status)
    {
        foreach (var entry in hosts.Values.Where(h => h.Address == address))
        {
            entry.State.Status = status;
            log.Info("host {0} is {1}", entry.State.Host, status);
        }
    }

    /// <summary>
    /// The answer to a retry of a request already seen: only a committed placement is a success. A pending one left by
    /// a coordinator that stopped mid-way is settled when its node registers (retry later); a failed, released or lost
    /// one keeps its id and a new request needs a new one.
    /// </summary>
    private static object Replay(PlacementView existing) => existing.State switch
    {
        PlacementState.Committed => Answer(existing, existing: true, null),
        PlacementState.Pending => new PlacementRejected(PlacementErrorKind.Unavailable,
            $"placement '{existing.PlacementId}' is still pending on host '{existing.Host}' (settled when the node reports); retry later", null),
        _ => new PlacementRejected(PlacementErrorKind.Conflict,
            $"requestId '{existing.PlacementId}' was already used by a placement that is {existing.State.ToString().ToLowerInvariant()}{(existing.Reason is { } r ? $" ({r})" : string.Empty)}; use a new requestId", null),
    };

    private static PlacementAccepted Answer(PlacementView placement, bool existing, PlacementExplanation? explanation) => new(placement, existing, explanation);

    private void List(ListPlacements m)
    {
        var matching = book.All
            .Where(p => (m.Host is null || p.Host == m.Host) && (m.State is null || p.State == m.State))
            .OrderBy(p => p.PlacementId, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(Math.Max(0, m.Offset)).Take(Math.Max(0, m.Limit)).ToList();
        Sender.Tell(new PlacementList(page, matching.Count));
    }

    /// <summary>Fresh pools come from the agent itself (the controller's own view is an estimate between registrations).</summary>
    private void HostPools(GetHostPools m)
    {
        if (!hosts.TryGetValue(m.Host, out var entry))
        {
            Sender.Tell(UnknownHost(m.Host));
        }
        else if (entry.State.Status != HostStatus.Up)
        {
            Sender.Tell(new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{m.Host}' is {entry.State.Status}", null));
        }
        else
        {
            entry.Agent.Forward(new GetHostSnapshot());
        }
    }

    private ControllerStats Stats()
    {
        var placements = book.All.GroupBy(p => p.State).Select(g => new StateCount(g.Key.ToString(), g.Count()));
        var hostCounts = hosts.Values.GroupBy(h => h.State.Status).Select(g => new StateCount(g.Key.ToString(), g.Count()));
        var pools = hosts.Values.SelectMany(h => h.State.Pools.Values.Select(p => new PoolGauge(h.State.Host, p.Provider, p.CapacityBytes, p.AvailableBytes, p.AllocationCount)));
        return new ControllerStats([.. placements], [.. hostCounts], [.. pools]);
    }

    private static PlacementRejected UnknownHost(string host) => new(PlacementErrorKind.UnknownHost, $"unknown host '{host}'", null);

    private static PlacementRejected Unknown(string id) => new(PlacementErrorKind.UnknownPlacement, $"unknown placement '{id}'", null);

    private static HostView View(HostEntry h) => new(h.State.Host, h.State.Status, h.Address.ToString(), h.State.Topology.Cpu.Vendor, h.State.Topology.Cpu.Family,
        h.State.Drained, h.State.DrainedProviders.Order(StringComparer.Ordinal).ToList(),
        h.State.Pools.Values.OrderBy(p => p.Provider, StringComparer.Ordinal).Select(p => p with { Allocations = [] }).ToList());

    /// <summary>What makes two requests "the same" for idempotency: everything but the request id.</summary>
    private static string Fingerprint(PlaceBuffer m)
    {
        var json = JsonSerializer.Serialize(m with { RequestId = string.Empty }, ProtocolSerializer.Options);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32];
    }
}

/// <summary>Coordinator settings; <see cref="KeepFinished"/> bounds the finished placements remembered (for retries and history).</summary>
public sealed record CoordinatorSettings(TimeSpan NodeTimeout, int SnapshotEvery, string PersistenceId = PlacementCoordinator.Name, int KeepFinished = PlacementBook.DefaultKeepFinished);
