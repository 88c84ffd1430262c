using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using Orchestrator.Hosting;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Pools;

/// <summary>
/// One provider's pool, persistent (<c>pool/&lt;host&gt;/&lt;bdf&gt;</c>): a thin shell around
/// <see cref="ExtentAllocator"/>. The allocator decides, the actor journals the decision (<see cref="BufferAllocated"/>
/// carries the extent, so replay takes exactly the same bytes) and only then replies. Snapshots when <see cref="JournalRetention"/> says, then deletes what the older kept snapshot makes redundant.
/// A journal that cannot be read or written stops the actor (Akka.Persistence does, so that no state is assumed);
/// it runs under <see cref="SupervisedProps"/>, which starts it again with backoff, and it tells its host agent
/// when it goes down (with the reason) and when it is back, so the pool is reported unavailable meanwhile.
/// </summary>
public sealed class PoolActor : ReceivePersistentActor
{
    private readonly string host;
    private readonly string provider;
    private readonly long initialCapacity;
    private readonly JournalRetention retention;
    private readonly IActorRef? reportTo;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private ExtentAllocator? allocator;
    private KernelPoolState kernel;

    // The revision of the books: the sequence number of the last event that changed them (opened, allocated, freed).
    // Not LastSequenceNr: PoolResumed is written at every start, so a journal that lost its newest writes (a SQLite
    // file without its -wal) would reach the lost events' numbers again at once and hide that it went back in time.
    private long booksRevision;

    // What changed since recovery, so a registration can list only that (PoolStatus.DeltaFrom).
    private readonly PoolChangeLog changes = new();

    // Who waits for the event being journaled (Persist runs one at a time): told at once if the write fails.
    private (IActorRef Sender, string AllocationId)? awaiting;

    public PoolActor(string host, string provider, KernelPoolState kernel, int snapshotEvery, IActorRef? reportTo = null)
    {
        this.host = host;
        this.reportTo = reportTo;
        this.provider = provider;
        this.kernel = kernel;
        initialCapacity = kernel.AvailableBytes;
        // A pool's journal is not history (the coordinator's is): everything before the older kept snapshot may go.
        retention = new JournalRetention(snapshotEvery, keepEvents: 0);
        long snapshotAt = 0;

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is PoolSnapshot snapshot)
            {
                snapshotAt = offer.Metadata.SequenceNr;
                booksRevision = snapshot.BooksRevision > 0 ? snapshot.BooksRevision : offer.Metadata.SequenceNr;
                allocator = new ExtentAllocator(snapshot.CapacityBytes);
                foreach (var a in snapshot.Allocations)
                {
                    Take(ToExtent(a), "snapshot");
                }
            }
        });
        Recover<PoolOpened>(e =>
        {
            allocator ??= new ExtentAllocator(e.CapacityBytes);
            booksRevision = LastSequenceNr;
        });
        Recover<BufferAllocated>(e =>
        {
            Take(new Extent(e.AllocationId, e.Offset, e.Length, e.RequestedBytes, e.AlignmentBytes), "journal");
            booksRevision = LastSequenceNr;
        });
        Recover<BufferFreed>(e =>
        {
            allocator?.Free(e.AllocationId);
            booksRevision = LastSequenceNr;
        });
        Recover<PoolResumed>(_ => { });
        Recover<RecoveryCompleted>(_ =>
        {
            retention.Recovered(snapshotAt, LastSequenceNr);
            log.Info("pool {0} on {1}: capacity {2} bytes, {3} buffers held after recovery", provider, host, allocator?.CapacityBytes ?? initialCapacity, allocator?.Allocations.Count ?? 0);
            if (allocator is null)
            {
                // First start: the pool's capacity is what the kernel had available when we first saw it.
                Persist(new PoolOpened(host, provider, initialCapacity), e =>
                {
                    allocator = new ExtentAllocator(e.CapacityBytes);
                    booksRevision = LastSequenceNr;
                    changes.Start(booksRevision);
                    reportTo?.Tell(new PoolUp(provider));
                });
                return;
            }
            changes.Start(booksRevision);
            // Up only once the journal takes a write: a full disk replays fine and fails the next allocation, and a
            // pool reported up meanwhile would make readiness and the controller's view say it can serve. Until then
            // the agent keeps it down with the last reason; a failed write stops it and the backoff tries again.
            Persist(new PoolResumed(host, provider), _ =>
            {
                reportTo?.Tell(new PoolUp(provider));
                MaybeSnapshot();
            });
        });

        Command<AllocateBuffer>(Allocate);
        Command<FreeBuffer>(Free);
        Command<GetPoolStatus>(m => Sender.Tell(Status(m.Since)));
        Command<KernelPoolState>(OnKernelState);
        Command<SaveSnapshotSuccess>(saved => JournalCleanup.AfterSnapshot(this, log, retention, saved.Metadata.SequenceNr));
        Command<SaveSnapshotFailure>(f => log.Warning("pool {0}: snapshot failed: {1}; the journal is kept whole until one succeeds", provider, f.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(f => log.Warning("pool {0}: deleting old snapshots failed: {1}; they stay, and the next snapshot tries again", provider, f.Cause.Message));
        Command<DeleteMessagesFailure>(f => log.Warning("pool {0}: deleting journal rows up to {1} failed: {2}; they stay, and the next snapshot tries again", provider, f.ToSequenceNr, f.Cause.Message));
    }

    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        Down($"its journal cannot be read ({reason.Message})");
        base.OnRecoveryFailure(reason, message);
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        // The allocator may already hold what was not journaled: the restart recovers the journal's truth instead. The
        // write may or may not have reached the journal: the caller hears so, and an allocation retried with the same
        // id gets the same extent if it did.
        Down($"its journal cannot be written ({cause.Message})");
        if (awaiting is var (sender, allocationId))
        {
            sender.Tell(new BufferRefused(host, provider, allocationId, RefusalReason.Unavailable,
                $"pool {provider} on {host} could not journal the change ({cause.Message}); it may or may not have been written: the pool restarts from its journal, retry with the same id", null));
        }
        base.OnPersistFailure(cause, @event, sequenceNr);
    }

    private void Down(string reason)
    {
        log.Error("pool {0} on {1} is unavailable: {2}; restarting with backoff", provider, host, reason);
        reportTo?.Tell(new PoolDown(provider, reason));
    }

    public override string PersistenceId => PersistenceIdOf(host, provider);

    public static string PersistenceIdOf(string host, string provider) => $"pool/{host}/{provider}";

    public static Props Props(string host, string provider, KernelPoolState kernel, int snapshotEvery, IActorRef? reportTo = null)
        => Akka.Actor.Props.Create(() => new PoolActor(host, provider, kernel, snapshotEvery, reportTo));

    /// <summary>The pool under a backoff supervisor (0.5 s doubling to 10 s, forever): a journal outage stops it, and it comes back by itself.</summary>
    public static Props SupervisedProps(string host, string provider, KernelPoolState kernel, int snapshotEvery, IActorRef reportTo)
        => Restarting.WithBackoff(Props(host, provider, kernel, snapshotEvery, reportTo), "pool");

    private ExtentAllocator Allocator => allocator ?? throw new InvalidOperationException($"pool {provider} is not open");

    private bool Overcommitted => kernel.AvailableBytes < HeldBytes;

    private long HeldBytes => Allocator.CapacityBytes - Allocator.Stats.Available;

    private void Allocate(AllocateBuffer request)
    {
        if (Allocator.Allocations.TryGetValue(request.AllocationId, out _) is false && Overcommitted)
        {
            Sender.Tell(new BufferRefused(host, provider, request.AllocationId, RefusalReason.Overcommitted,
                $"pool {provider} on {host} is overcommitted: the kernel has {kernel.AvailableBytes} bytes available, below the {HeldBytes} bytes we hold", Summary()));
            return;
        }
        var result = Allocator.Allocate(request.AllocationId, request.SizeBytes, request.AlignmentBytes, request.Strategy);
        if (result.Extent is not { } extent)
        {
            var reason = Allocator.Validate(request.SizeBytes, request.AlignmentBytes) is not null ? RefusalReason.InvalidRequest
                : Allocator.Allocations.ContainsKey(request.AllocationId) ? RefusalReason.Conflict
                : RefusalReason.NoContiguousSpace;
            Sender.Tell(new BufferRefused(host, provider, request.AllocationId, reason, $"pool {provider} on {host}: {result.Refusal}", Summary()));
            return;
        }
        if (result.AlreadyHeld)
        {
            Sender.Tell(new BufferGranted(host, provider, extent.AllocationId, extent.Offset, extent.Length, AlreadyHeld: true, Summary()));
            return;
        }
        // The allocator already holds the extent; the reply waits until the event is durable.
        var sender = Sender;
        awaiting = (sender, extent.AllocationId);
        Persist(new BufferAllocated(extent.AllocationId, extent.Offset, extent.Length, extent.RequestedBytes, extent.AlignmentBytes), e =>
        {
            awaiting = null;
            booksRevision = LastSequenceNr;
            changes.Granted(booksRevision, e.AllocationId);
            sender.Tell(new BufferGranted(host, provider, e.AllocationId, e.Offset, e.Length, AlreadyHeld: false, Summary()));
            MaybeSnapshot();
        });
    }

    private void Free(FreeBuffer request)
    {
        if (!Allocator.Allocations.ContainsKey(request.AllocationId))
        {
            Sender.Tell(new BufferReleased(host, provider, request.AllocationId, WasHeld: false, Summary()));
            return;
        }
        var sender = Sender;
        awaiting = (sender, request.AllocationId);
        Persist(new BufferFreed(request.AllocationId), e =>
        {
            awaiting = null;
            booksRevision = LastSequenceNr;
            Allocator.Free(e.AllocationId);
            changes.Freed(booksRevision, e.AllocationId);
            sender.Tell(new BufferReleased(host, provider, e.AllocationId, WasHeld: true, Summary()));
            MaybeSnapshot();
        });
    }

    /// <summary>The kernel's figures changed (a poll or a rescan): the sender hears the pool's new figures, overcommit included.</summary>
    private void OnKernelState(KernelPoolState state)
    {
        if (state == kernel)
        {
            return;
        }
        var wasOvercommitted = Overcommitted;
        kernel = state;
        if (Overcommitted != wasOvercommitted)
        {
            log.Log(Overcommitted ? LogLevel.WarningLevel : LogLevel.InfoLevel, "pool {0}: {1}: the kernel has {2} bytes available, we hold {3}",
                [provider, Overcommitted ? "overcommitted" : "no longer overcommitted", kernel.AvailableBytes, HeldBytes]);
        }
        Sender.Tell(new PoolKernelChanged(Summary()));
    }

    private void MaybeSnapshot()
    {
        if (retention.Persisted(Allocator.Allocations.Count))
        {
            SaveSnapshot(new PoolSnapshot(host, provider, Allocator.CapacityBytes, Records(), booksRevision));
        }
    }

    private void Take(Extent extent, string source)
    {
        if (allocator is null)
        {
            log.Error("pool {0}: {1} has a buffer before the pool was opened; ignored {2}", provider, source, extent);
            return;
        }
        if (!allocator.TryAllocateAt(extent, out var refusal))
        {
            // Never give the same bytes twice: a conflicting record is reported, not applied.
            log.Error("pool {0}: {1} record {2} conflicts with the recovered state: {3}", provider, source, extent, refusal);
        }
    }

    private List<AllocationRecord> Records() => Allocator.Allocations.Values.OrderBy(e => e.Offset).Select(ToRecord).ToList();

    private static AllocationRecord ToRecord(Extent e) => new(e.AllocationId, e.Offset, e.Length, e.RequestedBytes, e.AlignmentBytes);

    /// <summary>Every allocation, or (<paramref name="since"/> &gt; 0, when the change log reaches back to it) only what changed after that revision.</summary>
    private PoolStatus Status(long since = 0)
    {
        var stats = Allocator.Stats;
        var delta = since > 0 ? changes.Since(since, booksRevision) : null;
        var allocations = delta is var (granted, _)
            ? granted.Select(id => Allocator.Allocations.GetValueOrDefault(id)).OfType<Extent>().Select(ToRecord).ToList()
            : Records();
        return new PoolStatus(provider, stats.Size, stats.Available, stats.LargestFreeExtent, stats.Fragmentation, stats.AllocationCount,
            kernel.SizeBytes, kernel.AvailableBytes, kernel.Published, Overcommitted, allocations, booksRevision,
            DeltaFrom: delta is null ? 0 : since, Freed: delta?.Freed);
    }

    /// <summary>The exact figures now; in a persist handler they include the event just journaled (its sequence number is the revision).</summary>
    private PoolSummary Summary()
    {
        var stats = Allocator.Stats;
        return new PoolSummary(provider, booksRevision, stats.Size, stats.Available, stats.LargestFreeExtent, stats.Fragmentation, stats.AllocationCount,
            kernel.SizeBytes, kernel.AvailableBytes, kernel.Published, Overcommitted);
    }

    private static Extent ToExtent(AllocationRecord a) => new(a.AllocationId, a.Offset, a.Length, a.RequestedBytes, a.AlignmentBytes);
}

/// <summary>Local, pool to agent: the pool stopped (journal failure) and restarts with backoff; it takes nothing meanwhile.</summary>
public sealed record PoolDown(string Provider, string Reason);

/// <summary>Local, pool to agent: the pool recovered its journal and serves again.</summary>
public sealed record PoolUp(string Provider);

/// <summary>Local: the pool's figures after the kernel's changed, for the controller.</summary>
public sealed record PoolKernelChanged(PoolSummary Pool);

/// <summary>Local: ask a pool for its <see cref="PoolStatus"/>; <paramref name="Since"/> &gt; 0: only what changed after that revision, where the pool still knows.</summary>
public sealed record GetPoolStatus(long Since = 0)
{
    public static readonly GetPoolStatus Instance = new();
}

/// <summary>Local: what the kernel says of the pool now (<c>p2pmem/{size,available,published}</c>).</summary>
public readonly record struct KernelPoolState(long SizeBytes, long AvailableBytes, bool Published);
