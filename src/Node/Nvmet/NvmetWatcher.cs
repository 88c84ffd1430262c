using Akka.Actor;
using Akka.Event;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Nvmet;

/// <summary>
/// Keeps each placement's nvmet namespace where the controller decided (issue 13): remembers the desired value of
/// every placement the controller applied (<see cref="ApplyNvmet"/>, <see cref="DesiredNvmet"/> after each
/// registration), reads the namespaces again every <c>every</c> (jittered, so hosts do not read in step), rewrites
/// what drifted where the kernel allows (a rebooted host's <c>nvmetcli restore</c> heals), and reports each change
/// to the controller. An apply or release is answered to its sender with the reading that followed it.
/// </summary>
public sealed class NvmetWatcher : ReceiveActor, IWithTimers
{
    private readonly string host;
    private readonly NvmetApplier applier;
    private readonly IActorRef? coordinator;
    private readonly TimeSpan every;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Dictionary<string, ApplyNvmet> desired = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NvmetStatus> last = new(StringComparer.Ordinal);

    public NvmetWatcher(string host, NvmetApplier applier, IActorRef? coordinator, TimeSpan every)
    {
        this.host = host;
        this.applier = applier;
        this.coordinator = coordinator;
        this.every = every;
        Receive<ApplyNvmet>(m =>
        {
            desired[m.AllocationId] = m;
            Sender.Tell(new NvmetReport(host, [Observe(m).Status]));
        });
        Receive<ReleaseNvmet>(m =>
        {
            desired.Remove(m.AllocationId);
            last.Remove(m.AllocationId);
            var status = applier.Release(m);
            LogChange(null, status);
            Sender.Tell(new NvmetReport(host, [status]));
        });
        Receive<DesiredNvmet>(m =>
        {
            desired.Clear();
            foreach (var placement in m.Placements)
            {
                desired[placement.AllocationId] = placement;
            }
            foreach (var gone in last.Keys.Where(id => !desired.ContainsKey(id)).ToList())
            {
                last.Remove(gone);
            }
            // Everything, changed or not: this controller may be new and know nothing of what we read before.
            Report(desired.Values.Select(d => Observe(d).Status).ToList());
        });
        Receive<Tick>(_ =>
        {
            Report(desired.Values.Select(Observe).Where(o => o.Changed).Select(o => o.Status).ToList());
            Timers.StartSingleTimer(nameof(Tick), Tick.Instance, Jittered());
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string host, NvmetApplier applier, IActorRef? coordinator, TimeSpan every)
        => Akka.Actor.Props.Create(() => new NvmetWatcher(host, applier, coordinator, every));

    protected override void PreStart() => Timers.StartSingleTimer(nameof(Tick), Tick.Instance, Jittered());

    /// <summary>Converges one placement: its status, and whether it differs from the last reading.</summary>
    private (NvmetStatus Status, bool Changed) Observe(ApplyNvmet placement)
    {
        var status = applier.Converge(placement);
        last.TryGetValue(placement.AllocationId, out var before);
        last[placement.AllocationId] = status;
        LogChange(before, status);
        return (status, Changed(before, status));
    }

    private void Report(List<NvmetStatus> statuses)
    {
        if (coordinator is not null && statuses.Count > 0)
        {
            coordinator.Tell(new NvmetReport(host, statuses));
        }
    }

    private void LogChange(NvmetStatus? before, NvmetStatus now)
    {
        if (!Changed(before, now))
        {
            return;
        }
        var level = now.State == NvmetState.Applied ? LogLevel.InfoLevel : LogLevel.WarningLevel;
        log.Log(level, "host {0}: placement {1}: nvmet {2}: {3}", [host, now.PlacementId, NvmetStates.Name(now.State), now.Message]);
    }

    private static bool Changed(NvmetStatus? before, NvmetStatus now)
        => before is null || (before.State, before.Actual, before.Enabled, before.Message) != (now.State, now.Actual, now.Enabled, now.Message);

    private TimeSpan Jittered() => every * (0.8 + (Random.Shared.NextDouble() * 0.4));

    private sealed record Tick
    {
        public static readonly Tick Instance = new();
    }
}
