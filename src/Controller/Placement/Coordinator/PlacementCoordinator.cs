using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// The cluster singleton that places buffers (ARCHITECTURE §7.2–7.3), a thin shell: it receives, calls the plain
/// parts (<see cref="HostRegistry{TAgent}"/>, <see cref="InFlightTable{TWaiter}"/>, <see cref="PlacementDecider"/>,
/// <see cref="RetryAnswer"/>, <see cref="Reconciler"/>, <see cref="PlacementQueries"/>), persists and replies.
/// Two-phase and durable: <see cref="PlacementRequested"/> is journaled, the node allocates (and journals), then
/// <see cref="PlacementCommitted"/> is journaled and only then the caller hears "accepted". Decisions use the node's
/// exact pool figures, which every node reply carries.
/// </summary>
public sealed class PlacementCoordinator : ReceivePersistentActor
{
    private readonly PlacementBook book;
    private readonly HostRegistry<IActorRef> hosts = new();
    private readonly InFlightTable<IActorRef> flights = new();
    private readonly CoordinatorSettings settings;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Random random = new();
    private readonly NodeLink nodes;
    private readonly RegistrationAssembler<IActorRef> registrations = new();
    private readonly RegistrationDeltas deltas = new();
    private readonly NvmetBook nvmet = new();
    private readonly TopologyImpacts impacts = new();
    private readonly HashSet<(string Host, string Identity)> identifying = [];
    private readonly JournalRetention retention;
    private DateTime recoveredAt = DateTime.UtcNow;

    public PlacementCoordinator(CoordinatorSettings settings)
    {
        this.settings = settings;
        book = new PlacementBook(settings.KeepFinished);
        nodes = new NodeLink(hosts, Self, settings.NodeTimeout);
        retention = new JournalRetention(settings.SnapshotEvery, settings.HistoryEvents);
        long snapshotAt = 0;
        Recover<SnapshotOffer>(offer =>
        {
            book.Restore((CoordinatorSnapshot)offer.Snapshot);
            snapshotAt = offer.Metadata.SequenceNr;
        });
        Recover<IPlacementEvent>(book.Apply);
        Recover<RecoveryCompleted>(_ =>
        {
            retention.Recovered(snapshotAt, LastSequenceNr);
            recoveredAt = DateTime.UtcNow;
            log.Info("placement coordinator recovered {0} placements", book.Count);
        });

        Command<RegisterHost>(m =>
        {
            if (registrations.Begin(m, Sender) is { } whole)
            {
                Register(whole);
            }
        });
        Command<RegisterHostPart>(m =>
        {
            var (whole, problem) = registrations.Add(m, Sender);
            if (problem is not null)
            {
                log.Warning(problem);
            }
            if (whole is not null)
            {
                Register(whole);
            }
        });
        Command<PlaceBuffer>(Place);
        Command<ExplainPlacement>(Explain);
        Command<ReleasePlacement>(Release);
        Command<GetPlacement>(m => Sender.Tell(PlacementQueries.Placement(book, Observed, m.PlacementId)));
        Command<ListPlacements>(m => Sender.Tell(PlacementQueries.List(book, Observed, m)));
        Command<GetHosts>(_ => Sender.Tell(PlacementQueries.Hosts(hosts)));
        Command<GetHostTopology>(m => Sender.Tell(PlacementQueries.Topology(hosts, m.Host)));
        Command<GetHostPools>(HostPools);
        Command<RescanHost>(m =>
        {
            var (entry, refusal) = hosts.Reachable(m.Host);
            if (entry is null)
            {
                Sender.Tell(refusal);
                return;
            }
            entry.Agent.Forward(new Rescan());
        });
        Command<GetControllerStats>(_ =>
        {
            var known = book.KnownHosts.ToList();
            Sender.Tell(PlacementQueries.Stats(book, hosts) with
            {
                Nvmet = nvmet.Counts(book),
                AwaitedHosts = known.Where(h => hosts.Find(h) is null).Order(StringComparer.Ordinal).ToList(),
                KnownHosts = known.Count,
                RecoveredAt = recoveredAt,
                Registrations = deltas.Counts,
            });
        });
        Command<SetDrain>(Drain);
        Command<NodeLink.Allocated>(OnAllocation);
        Command<NodeLink.Freed>(OnRelease);
        Command<BufferReleased>(OnUnsolicitedRelease);
        Command<BufferRefused>(m => hosts.TakeReport(m.Host, m.Pool));
        Command<NodeLink.Snapshotted>(OnVerifyLost);
        Command<NodeLink.NamespaceAnswered>(m => m.Then(m.Reply));
        Command<NvmetReport>(OnNvmetReport);
        Command<PoolFigures>(OnPoolFigures);
        Command<ClusterEvent.UnreachableMember>(m => SetStatus(m.Member.Address, HostStatus.Unreachable));
        Command<ClusterEvent.ReachableMember>(m => SetStatus(m.Member.Address, HostStatus.Up));
        Command<ClusterEvent.MemberRemoved>(m => SetStatus(m.Member.Address, HostStatus.Down));
        Command<ClusterEvent.IMemberEvent>(_ => { });
        Command<SaveSnapshotSuccess>(saved => JournalCleanup.AfterSnapshot(this, log, retention, saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => log.Warning("coordinator snapshot failed: {0}; the journal is kept whole until one succeeds", f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => log.Warning("coordinator: deleting old snapshots failed: {0}; they stay, and the next snapshot tries again", f.Cause.Message));
        Command<DeleteMessagesFailure>(f => log.Warning("coordinator: deleting journal rows up to {0} failed: {1}; they stay, and the next snapshot tries again", f.ToSequenceNr, f.Cause.Message));
    }

    public override string PersistenceId => settings.PersistenceId;

    public static Props Props(CoordinatorSettings settings) => Akka.Actor.Props.Create(() => new PlacementCoordinator(settings));

    /// <summary>
    /// The coordinator under a backoff supervisor (1 s doubling to 30 s): a persistent actor stops when its journal
    /// fails, and a cluster singleton that stopped would stay stopped. Meanwhile requests time out as 503 and
    /// <c>/readyz</c> says why; nothing acknowledged is lost, because an answer is only sent after its event is journaled.
    /// </summary>
    public static Props SupervisedProps(CoordinatorSettings settings)
        => BackoffSupervisor.Props(Backoff.OnStop(Props(settings), ClusterNames.CoordinatorSingleton, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

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

    /// <summary>Registrations from anyone but a node, and requests from anyone but a controller, are dropped (<see cref="SenderCheck"/>).</summary>
    protected override bool AroundReceive(Receive receive, object message)
    {
        if (SenderCheck.Refusal(message, Sender, Context.System, Cluster.Get(Context.System)) is { } refusal)
        {
            if (SenderCheck.ShouldLog(Sender, DateTime.UtcNow))
            {
                log.Warning("placement coordinator: {0}", refusal);
            }
            return true;
        }
        return base.AroundReceive(receive, message);
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
        var (whole, resync) = deltas.Resolve(m);
        if (whole is null)
        {
            log.Debug("{0}: asking for a full registration", resync);
            Sender.Tell(new HostRegistrationResync(m.Host, m.Registration, resync!));
            return;
        }
        m = whole;
        var member = Sender.Path.Address.HasGlobalScope ? Sender.Path.Address : Cluster.Get(Context.System).SelfAddress;
        if (Reconciler.IdentityRefusal(m, book) is { } lostJournal)
        {
            log.Error(lostJournal);
            hosts.NoteRefused(m.Host, lostJournal);
            Sender.Tell(new HostRegistrationRefused(m.Host, lostJournal));
            return;
        }
        var before = hosts.Find(m.Host)?.State.Rules;
        // Every node re-registers every 30 s: only a host that was not up from this member is news.
        var repeat = hosts.Find(m.Host) is { State.Status: HostStatus.Up } known && known.Member == member.ToString();
        var rewound = Reconciler.Rewound(m.Host, m.Pools, book, hosts.Find(m.Host) is { } seen && seen.Incarnation == m.Incarnation && seen.Identity == m.Identity
            ? provider => seen.State.Pools.TryGetValue(provider, out var pool) ? pool.Reported.Revision : 0
            : null);
        m = m with { Pools = Reconciler.WithoutRewound(m.Pools, rewound) };
        if (hosts.Register(m, Sender, member.ToString(), book.IsDrained, DateTime.UtcNow) is (null, var refusal))
        {
            log.Warning(refusal);
            if (!refusal!.Contains("older incarnation", StringComparison.Ordinal))
            {
                Sender.Tell(new HostRegistrationRefused(m.Host, refusal));
            }
            return;
        }
        deltas.Remember(m);
        log.Log(repeat ? LogLevel.DebugLevel : LogLevel.InfoLevel, "host {0} registered: {1} pools, {2} buffers held", [m.Host, m.Pools.Count, m.Pools.Sum(p => p.AllocationCount)]);
        if (before is not null)
        {
            FlagTopologyChanges(m.Host, before, hosts.Find(m.Host)!.State.Rules);
        }
        foreach (var (provider, reason) in rewound)
        {
            log.Error("host {0}: pool {1}: {2}", m.Host, provider, reason);
            hosts.Distrust(m.Host, provider, reason);
        }
        // Once per identity: a registration repeated before the first one's event is written journals nothing more.
        if (book.IdentityOf(m.Host) != m.Identity && identifying.Add((m.Host, m.Identity)))
        {
            PersistAsync(new HostIdentified(m.Host, m.Identity), e =>
            {
                identifying.Remove((e.Host, e.Identity));
                Apply(e);
            });
        }
        var plan = Reconciler.Plan(m.Host, m.Pools, book, flights.Contains);
        if (hosts.Find(m.Host) is { } registered && registered.State.UnknownBuffers != plan.Unknown.Count)
        {
            registered.State.UnknownBuffers = plan.Unknown.Count;
            if (plan.Unknown.Count > 0)
            {
                log.Warning("host {0} holds {1} buffers this controller's journal has no placement for (first: {2} on {3}): kept, not freed. "
                    + "If this controller's journal was replaced, restore it; free them on the node only once no NVMe-oF target uses them",
                    m.Host, plan.Unknown.Count, plan.Unknown[0].AllocationId, plan.Unknown[0].Provider);
            }
        }
        foreach (var free in plan.Frees)
        {
            log.Info("host {0}: freeing buffer {1} on {2}", m.Host, free.AllocationId, free.Provider);
            nodes.Tell(m.Host, free);
        }
        if (plan.Events.Count > 0)
        {
            log.Info("host {0}: reconciliation records {1} changes", m.Host, plan.Events.Count);
            PersistAll(plan.Events, Apply);
        }
        if (plan.Suspects.Count > 0)
        {
            nodes.Snapshot(m.Host, plan.Suspects);
        }
        Sender.Tell(new HostRegistered(m.Host, m.Registration));
        // What the node converges its namespaces to, from this journal: a restarted node, or one that missed an apply, learns it here.
        Sender.Tell(new DesiredNvmet(book.OnHost(m.Host)
            .Where(p => p.State == PlacementState.Committed && p.Nvmeof is { Apply: true })
            .Select(p => new ApplyNvmet(p.PlacementId, p.Provider, p.Nvmeof!.SubsystemNqn, p.Nvmeof.NamespaceId, p.Nvmeof.ManageEnable))
            .ToList()));
        Wake(m.Host);
    }

    /// <summary>The host's tree changed since its last registration: each change logged, placements whose verdicts changed flagged (never freed).</summary>
    private void FlagTopologyChanges(string host, Topology.P2p.P2pRules before, Topology.P2p.P2pRules after)
    {
        var changes = Topology.Model.TopologyDiff.Compare(before.Topology, after.Topology);
        if (changes.Count == 0)
        {
            return;
        }
        foreach (var change in changes)
        {
            log.Warning("host {0}: topology changed: {1}", host, change);
        }
        var committed = book.OnHost(host).Where(p => p.State == PlacementState.Committed);
        foreach (var (placement, impact) in impacts.Record(committed, before, after, changes, DateTime.UtcNow))
        {
            log.Warning("host {0}: placement {1} on {2} is affected by the topology change: was {3}; now {4}", host, placement.PlacementId, placement.Provider, impact.Before, impact.After);
        }
    }

    /// <summary>A placement as the book has it, with what the node last read of its namespace and any topology change that affects it.</summary>
    private PlacementView Observed(PlacementView view) => impacts.With(nvmet.With(view));

    /// <summary>A node's readings of its namespaces: kept for the placements' views, changes logged; only from the member registered for that host.</summary>
    private void OnNvmetReport(NvmetReport m)
    {
        if (!FromRegisteredMember(m.Host, "nvmet report"))
        {
            return;
        }
        foreach (var released in m.Statuses.Where(s => s.Desired is null && s.State != NvmetState.Applied))
        {
            log.Warning("host {0}: released placement {1}: nvmet {2}: {3}", m.Host, released.PlacementId, NvmetStates.Name(released.State), released.Message);
        }
        foreach (var (status, before) in nvmet.Take(m, book))
        {
            log.Log(status.State == NvmetState.Applied ? LogLevel.InfoLevel : LogLevel.WarningLevel, "host {0}: placement {1}: nvmet {2} (was {3}): {4}",
                [m.Host, status.PlacementId, NvmetStates.Name(status.State), before is { } b ? NvmetStates.Name(b) : "unknown", status.Message]);
        }
    }

    /// <summary>A pool's figures after the live kernel's changed: taken for placement at once, an overcommit or an unpublished pool logged.</summary>
    private void OnPoolFigures(PoolFigures m)
    {
        if (!FromRegisteredMember(m.Host, "pool figures"))
        {
            return;
        }
        var before = hosts.Find(m.Host)?.State.Pools.GetValueOrDefault(m.Pool.Provider)?.Reported;
        if (hosts.TakeReport(m.Host, m.Pool) && before is not null
            && (before.Overcommitted, before.Published) != (m.Pool.Overcommitted, m.Pool.Published))
        {
            log.Warning("host {0}: pool {1}: the kernel now reports {2} of {3} bytes available, {4}{5}", m.Host, m.Pool.Provider, m.Pool.KernelAvailableBytes,
                m.Pool.KernelSizeBytes, m.Pool.Published ? "published" : "not published", m.Pool.Overcommitted ? ", overcommitted: no new placements there" : string.Empty);
        }
    }

    /// <summary>Whether the sender is the member the host registered from: a node reports only on its own host.</summary>
    private bool FromRegisteredMember(string host, string what)
    {
        var member = Sender.Path.Address.HasGlobalScope ? Sender.Path.Address : Cluster.Get(Context.System).SelfAddress;
        if (hosts.Find(host) is { } registered && registered.Member == member.ToString())
        {
            return true;
        }
        log.Warning("{0} for host {1} from {2}, which is not the member registered for it: ignored", what, host, member);
        return false;
    }

    private void OnVerifyLost(NodeLink.Snapshotted m)
    {
        var lost = m.Fresh is null ? [] : Reconciler.ConfirmLost(m.Host, m.Suspects, m.Fresh, book, flights.Contains);
        if (lost.Count > 0)
        {
            log.Warning("host {0}: {1} committed placements lost", m.Host, lost.Count);
            PersistAll(lost, Apply);
        }
    }

    private void Place(PlaceBuffer m)
    {
        var fingerprint = RetryAnswer.Fingerprint(m);
        switch (RetryAnswer.Decide(m, fingerprint, book, flights))
        {
            case RetryOutcome.Answer answer:
                Sender.Tell(answer.Reply);
                break;
            case RetryOutcome.Join:
                flights.Find(m.RequestId)!.Waiters.Add(Sender);
                break;
            default:
                var sender = Sender;
                var invalid = RequestValidation.Validate(hosts.Find(m.Host)?.State, m, out _) is not null;
                WithNamespace(m.Host, m.Clients, m.Nvmeof, invalid, outcome => Decide(m, fingerprint, sender, outcome), refusal =>
                {
                    if (RetryAnswer.Decide(m, fingerprint, book, flights) is RetryOutcome.New)
                    {
                        sender.Tell(refusal);
                    }
                    else
                    {
                        Self.Tell(m, sender);  // the same request went ahead meanwhile: answered as a retry
                    }
                });
                break;
        }
    }

    /// <summary>
    /// With an NVMe-oF target, asks the node which PCI function backs its namespace first (issue 17) and goes on with
    /// the clients combined (<see cref="NamespaceClient"/>) or the refusal; without one, or for a request the decision
    /// refuses anyway (<paramref name="refusedAnyway"/>, or an unknown or unreachable host), goes on at once with null.
    /// </summary>
    private void WithNamespace(string host, IReadOnlyList<string> clients, NvmeofTarget? target, bool refusedAnyway, Action<NamespaceClient.Outcome?> then,
        Action<PlacementRejected> refuse)
    {
        if (target is null || refusedAnyway || hosts.Find(host)?.State is not { Status: HostStatus.Up })
        {
            then(null);
            return;
        }
        nodes.Resolve(host, new ResolveNamespace(target.SubsystemNqn, target.NamespaceId), reply =>
        {
            if (hosts.Find(host)?.State is not { } now)
            {
                then(null);  // the host went meanwhile: the decision says so
                return;
            }
            var outcome = NamespaceClient.Combine(now, host, clients, target, reply);
            if (outcome.Refusal is { } refusal)
            {
                refuse(refusal);
                return;
            }
            then(outcome);
        });
    }

    /// <summary>
    /// Decides on the node's figures; a decision that lacks room only for bytes in flight waits for their answers.
    /// <paramref name="m"/> is the request as sent (a retry of it is recognised by that); <paramref name="ns"/> the
    /// clients it is decided for, with its namespace's device.
    /// </summary>
    private void Decide(PlaceBuffer m, string fingerprint, IActorRef sender, NamespaceClient.Outcome? ns)
    {
        if (RetryAnswer.Decide(m, fingerprint, book, flights) is not RetryOutcome.New)
        {
            Self.Tell(m, sender);  // a retry parked beside it went first: answered as a retry
            return;
        }
        var host = hosts.Find(m.Host)?.State;
        switch (PlacementAdmission.Admit(host, ns is null ? m : m with { Clients = ns.Clients }, random, journaledFor: host is null && book.Knows(m.Host)))
        {
            case Admission.Refused refused:
                sender.Tell(refused.Rejection.Explanation is { } why ? refused.Rejection with { Explanation = Marked(why, ns) } : refused.Rejection);
                break;
            case Admission.Wait:
                flights.Park(m.Host, () => Decide(m, fingerprint, sender, ns));
                break;
            case Admission.Place place:
                var flight = flights.StartPlacement(m.RequestId, m.Host, fingerprint, place.Request, Marked(place.Explanation, ns), sender, m.Who);
                var requested = new PlacementRequested(m.RequestId, m.RequestId, m.Host, place.Provider, place.Request.Clients.Select(c => c.ToString()).ToList(),
                    m.SizeBytes, m.Nvmeof, place.Request.Mode.Name, fingerprint, ns?.NamespaceDevice, m.Who, Closer(flight.Explanation));
                // PersistAsync on the placement and release paths: requests keep coming while events are written, so the
                // journal commits many in one transaction. Every answer is still sent from a handler, after its event is journaled.
                PersistAsync(requested, e =>
                {
                    Apply(e);
                    SendAllocate(e, flight);
                });
                break;
        }
    }

    private void SendAllocate(PlacementRequested e, InFlightTable<IActorRef>.Flight flight)
    {
        var bytes = PlacementDecider.Granules(e.SizeBytes);
        hosts.Reserve(e.Host, e.Provider, bytes);
        flight.Reserved = (e.Provider, bytes);
        nodes.Allocate(e.Host, new AllocateBuffer(e.Provider, e.PlacementId, e.SizeBytes), ++flight.Attempt);
    }

    private void OnAllocation(NodeLink.Allocated outcome)
    {
        if (flights.Find(outcome.PlacementId) is not { } flight || flight.Attempt != outcome.Attempt)
        {
            return;
        }
        var request = book.RequestOf(outcome.PlacementId)!;
        if (flight.Reserved is var (provider, bytes))
        {
            hosts.Unreserve(request.Host, provider, bytes);
            flight.Reserved = null;
        }
        switch (outcome.Reply)
        {
            case BufferGranted granted:
                hosts.TakeReport(request.Host, granted.Pool);
                PersistAsync(new PlacementCommitted(outcome.PlacementId, granted.Offset, granted.Length, granted.Pool.Revision, request.Host, request.Provider), e =>
                {
                    Apply(e);
                    log.Info("placement {0} committed: host {1}, provider {2}, {3} bytes at offset {4}, clients {5}{6}",
                        [outcome.PlacementId, request.Host, request.Provider, granted.Length, granted.Offset, string.Join(",", request.Clients),
                            request.Nvmeof is { } ns ? $", nvmeof {ns.SubsystemNqn}/{ns.NamespaceId}" : string.Empty]);
                    if (request.Nvmeof is { Apply: true } target)
                    {
                        // The node reports the outcome (applied, busy, missing, disabled); the buffer stands either way.
                        nodes.Tell(request.Host, new ApplyNvmet(request.PlacementId, request.Provider, target.SubsystemNqn, target.NamespaceId, target.ManageEnable));
                    }
                    Finish(outcome.PlacementId, new PlacementAccepted(book.Find(outcome.PlacementId)!, Existing: false, flight.Explanation));
                });
                break;
            case BufferRefused { Reason: RefusalReason.NoContiguousSpace or RefusalReason.Overcommitted or RefusalReason.Unavailable } refused:
                // The node's figures changed since we decided: decide again on the ones the refusal carries.
                hosts.TakeReport(request.Host, refused.Pool);
                if (refused.Reason == RefusalReason.Unavailable)
                {
                    hosts.MarkUnavailable(request.Host, request.Provider, refused.Message);
                }
                DecideAgain(outcome.PlacementId, flight, refused.Message);
                break;
            case BufferRefused refused:
                hosts.TakeReport(request.Host, refused.Pool);
                Fail(outcome.PlacementId, refused.Reason == RefusalReason.Conflict ? PlacementErrorKind.Conflict : PlacementErrorKind.Invalid, refused.Message, flight.Explanation);
                break;
            default:
                // No answer in time: the node may still allocate late, so ask it to free; reconciliation catches what this misses.
                nodes.Tell(request.Host, new FreeBuffer(request.Provider, request.PlacementId));
                var why = outcome.Reply is Status.Failure failure ? failure.Cause.Message : $"unexpected reply {outcome.Reply.GetType().Name}";
                Fail(outcome.PlacementId, PlacementErrorKind.Unavailable, $"host '{request.Host}' did not answer: {why}", flight.Explanation);
                break;
        }
        Wake(request.Host);
    }

    private void DecideAgain(string placementId, InFlightTable<IActorRef>.Flight flight, string refusal)
    {
        var request = book.RequestOf(placementId)!;
        var ns = request.NamespaceDevice is { } device ? new NamespaceClient.Outcome(request.Clients, device, null, null) : null;
        switch (PlacementAdmission.AfterRefusal(hosts.Find(request.Host)?.State, request.Host, flight.Request!, flight.Attempt, refusal, random))
        {
            case Admission.Place next:
                flight.Explanation = Marked(next.Explanation, ns);
                // Journaled whole again, with who asked: the history reads each decision from its own event.
                PersistAsync(request with { Provider = next.Provider, Who = flight.Who, Closer = Closer(flight.Explanation) }, e =>
                {
                    Apply(e);
                    SendAllocate(e, flight);
                });
                break;
            case Admission.Wait:
                flights.Park(request.Host, () => DecideAgain(placementId, flight, refusal));
                break;
            case Admission.Refused refused:
                Fail(placementId, refused.Rejection.Kind, refused.Rejection.Message, refused.Rejection.Explanation is { } why ? Marked(why, ns) : flight.Explanation);
                break;
        }
    }

    /// <summary>Takes again the decisions that waited for bytes in flight on a host, now that some were answered.</summary>
    private void Wake(string host)
    {
        foreach (var decideAgain in flights.Unpark(host))
        {
            decideAgain();
        }
    }

    /// <summary>Fails a placement; one that failed for a passing reason (503) may be retried with the same request id.</summary>
    private void Fail(string placementId, PlacementErrorKind kind, string message, PlacementExplanation? explanation)
    {
        var request = book.RequestOf(placementId);
        PersistAsync(new PlacementFailed(placementId, message, Retryable: kind == PlacementErrorKind.Unavailable, request?.Host, request?.Provider), e =>
        {
            Apply(e);
            log.Info("placement {0} failed: {1}", placementId, message);
            Finish(placementId, new PlacementRejected(kind, message, explanation));
        });
    }

    private void Finish(string id, object answer)
    {
        foreach (var waiter in flights.Finish(id))
        {
            waiter.Tell(answer);
        }
    }

    private void Explain(ExplainPlacement m)
    {
        var sender = Sender;
        PlacementRejected? Invalid(IReadOnlyList<string> clients, out PlacementRequest? request)
        {
            request = null;
            return RequestValidation.Nvmeof(m.Nvmeof) ?? RequestValidation.Validate(hosts.Find(m.Host)?.State, m.Host, clients, m.SizeBytes, m.Policy, out request);
        }
        WithNamespace(m.Host, m.Clients, m.Nvmeof, Invalid(m.Clients, out _) is not null, ns =>
            sender.Tell(Invalid(ns?.Clients ?? m.Clients, out var request) is { } invalid
                ? invalid : Marked(PlacementDecider.Decide(hosts.Find(m.Host)!.State, request!, random).Explanation, ns)), sender.Tell);
    }

    /// <summary>The rejected providers a decision's explanation holds (those closer than the chosen one, in a summary), for its event.</summary>
    private static IReadOnlyList<PassedOver>? Closer(PlacementExplanation? explanation)
        => explanation?.Candidates.Where(c => !c.Eligible).Select(c => new PassedOver(c.Provider, c.Level, c.DistanceSum, c.Reason)).Take(PlacementDecider.CloserExplained).ToList() is { Count: > 0 } closer
            ? closer : null;

    private static PlacementExplanation Marked(PlacementExplanation explanation, NamespaceClient.Outcome? ns) => ns is null ? explanation : NamespaceClient.Mark(explanation, ns);

    private void Release(ReleasePlacement m)
    {
        switch (RetryAnswer.Release(m.PlacementId, book, flights))
        {
            case RetryOutcome.Answer answer:
                Sender.Tell(answer.Reply);
                break;
            case RetryOutcome.Join:
                flights.Find(m.PlacementId)!.Waiters.Add(Sender);
                break;
            case RetryOutcome.Free { Journal: false } free:
                flights.StartRelease(m.PlacementId, free.Placement.Host, Sender);
                SendFree(free.Placement);
                break;
            case RetryOutcome.Free free:
                flights.StartRelease(m.PlacementId, free.Placement.Host, Sender);
                PersistAsync(new ReleaseRequested(m.PlacementId, free.Placement.Host, free.Placement.Provider, m.Who), e =>
                {
                    Apply(e);
                    SendFree(free.Placement);
                });
                break;
        }
    }

    private void SendFree(PlacementView placement) => nodes.Free(placement.Host, new FreeBuffer(placement.Provider, placement.PlacementId));

    private void OnRelease(NodeLink.Freed outcome)
    {
        var placement = book.Find(outcome.PlacementId)!;
        if (outcome.Reply is not BufferReleased released)
        {
            // The placement stays Releasing; the next release or the host's next registration completes it.
            var message = outcome.Reply switch
            {
                Status.Failure f => f.Cause.Message,
                BufferRefused r => r.Message,
                var other => other.ToString(),
            };
            Finish(outcome.PlacementId, new PlacementRejected(PlacementErrorKind.Unavailable, $"host '{placement.Host}' did not confirm the release: {message}", null));
            return;
        }
        hosts.TakeReport(placement.Host, released.Pool);
        PersistAsync(new PlacementReleased(outcome.PlacementId, placement.Host, placement.Provider), e =>
        {
            Apply(e);
            log.Info("placement {0} released: host {1}, provider {2}, {3} bytes", placement.PlacementId, placement.Host, placement.Provider, placement.Length ?? placement.SizeBytes);
            if (placement.Nvmeof is { Apply: true } target)
            {
                nodes.Tell(placement.Host, new ReleaseNvmet(placement.PlacementId, target.SubsystemNqn, target.NamespaceId, target.ManageEnable));
            }
            Finish(outcome.PlacementId, new PlacementFound(book.Find(outcome.PlacementId)!));
        });
    }

    /// <summary>A free sent by reconciliation (or after a timeout) was confirmed.</summary>
    private void OnUnsolicitedRelease(BufferReleased m)
    {
        hosts.TakeReport(m.Host, m.Pool);
        if (book.Find(m.AllocationId) is { State: PlacementState.Releasing } p && !flights.Contains(m.AllocationId))
        {
            Persist(new PlacementReleased(p.PlacementId, p.Host, p.Provider), Apply);
        }
    }

    private void Drain(SetDrain m)
    {
        if (hosts.DrainRefusal(m) is { } refusal)
        {
            Sender.Tell(refusal);
            return;
        }
        var sender = Sender;
        Persist(new DrainChanged(m.Host, m.Provider, m.Drained, m.Who), e =>
        {
            Apply(e);
            log.Info("{0} {1}", e.Provider is null ? $"host {e.Host}" : $"provider {e.Provider} of host {e.Host}", e.Drained ? "drained: no new placements" : "undrained");
            hosts.SetDrain(e.Host, e.Provider, e.Drained);
            sender.Tell(new DrainSet(e.Host, e.Provider, e.Drained));
        });
    }

    /// <summary>Applies a journaled event on the live path, and snapshots when <see cref="JournalRetention"/> says (recovery replays at most max(N, book size)).</summary>
    private void Apply(IPlacementEvent e)
    {
        book.Apply(e);
        settings.Journaled?.Invoke(LastSequenceNr, e);
        if (retention.Persisted(book.Count))
        {
            SaveSnapshot(book.Snapshot());
        }
    }

    private void SetStatus(Address address, HostStatus status)
    {
        foreach (var host in hosts.SetStatus(address.ToString(), status))
        {
            log.Info("host {0} is {1}", host, status);
        }
    }

    /// <summary>Fresh pools, with allocations (the first <see cref="RemotingLimits.AllocationsPerMessage"/>), come from the agent itself.</summary>
    private void HostPools(GetHostPools m)
    {
        var (entry, refusal) = hosts.Reachable(m.Host);
        if (entry is null)
        {
            Sender.Tell(refusal);
            return;
        }
        entry.Agent.Forward(new GetHostSnapshot(MaxAllocations: RemotingLimits.AllocationsPerMessage));
    }
}

/// <summary>
/// Coordinator settings; <see cref="KeepFinished"/> bounds the finished placements remembered (for retries and history),
/// <see cref="HistoryEvents"/> the journaled events kept before the older of the last two snapshots (the placement history);
/// <see cref="Journaled"/> hears each event once journaled, with its sequence number, from the persist handler (the history of this process).
/// </summary>
public sealed record CoordinatorSettings(TimeSpan NodeTimeout, int SnapshotEvery, string PersistenceId = ClusterNames.CoordinatorPersistenceId, int KeepFinished = PlacementBook.DefaultKeepFinished,
    long HistoryEvents = CoordinatorSettings.DefaultHistoryEvents, Action<long, IPlacementEvent>? Journaled = null)
{
    public const long DefaultHistoryEvents = 100_000;
}
