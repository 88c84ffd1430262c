using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Orchestrator.Hosting;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Refuses two controllers that keep their placements in different journals (e.g. each its own SQLite file, the
/// default). The singleton moves to the next-oldest controller on failover and recovers from that controller's
/// journal: from a journal of its own it would start with no placements, free every live buffer as an orphan and
/// hand the same bytes out again. Each controller's guard asks every other controller which journal it uses; the
/// younger of two that differ stops its process with one line saying why and what to use.
/// </summary>
public sealed class JournalSharingGuard : ReceiveActor, IWithTimers
{
    public const string Name = "journal-guard";

    private readonly string where;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly Cluster cluster = Cluster.Get(Context.System);
    private readonly IActorRef keeper;
    private string? identity;

    private sealed record Compared(Member Other, JournalIdentity Theirs);

    private sealed record AskIdentity;

    public JournalSharingGuard(string where)
    {
        this.where = where;
        keeper = Context.ActorOf(IdentityKeeper.SupervisedProps("journal-identity"), "keeper");
        Receive<AskIdentity>(_ => keeper.Tell(GetIdentity.Instance));
        Receive<IdentityKnown>(m =>
        {
            Timers.Cancel("identity");
            if (identity is not null)
            {
                return;
            }
            identity = m.Identity;
            foreach (var member in cluster.State.Members.Where(Other))
            {
                Compare(member);
            }
        });
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (identity is not null && Other(m.Member))
            {
                Compare(m.Member);
            }
        });
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<GetJournalIdentity>(_ =>
        {
            if (identity is not null)
            {
                Sender.Tell(new JournalIdentity(identity, where));
            }
        });
        Receive<Compared>(OnCompared);
        Receive<Status.Failure>(_ => { });  // an older controller without a guard: nothing to compare
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(string where) => Akka.Actor.Props.Create(() => new JournalSharingGuard(where));

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("identity", new AskIdentity(), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents, typeof(ClusterEvent.IMemberEvent));
    }

    protected override void PostStop() => cluster.Unsubscribe(Self);

    private bool Other(Member m) => m.Status == MemberStatus.Up && m.HasRole(ClusterNames.ControllerRole) && m.Address != cluster.SelfAddress;

    private void Compare(Member other)
        => Context.ActorSelection(new RootActorPath(other.Address) / "user" / Name).Ask<JournalIdentity>(new GetJournalIdentity(), TimeSpan.FromSeconds(10))
            .PipeTo(Self, success: theirs => new Compared(other, theirs));

    private void OnCompared(Compared m)
    {
        if (m.Theirs.Identity == identity || cluster.SelfMember.IsOlderThan(m.Other))
        {
            return;
        }
        log.Error("refusing to run: controller {0} keeps its placements in {1}, this one in {2}, a different journal. On failover the coordinator "
            + "would recover from a journal without the placements and free live buffers. Give every controller the same PostgreSQL journal "
            + "(Orchestrator__Controller__Journal=Host=...), or run one controller. Stopping.", m.Other.Address, m.Theirs.Where, where);
        ProcessProgram.ExitWith(1);
        CoordinatedShutdown.Get(Context.System).Run(CoordinatedShutdown.ClrExitReason.Instance);
    }
}
