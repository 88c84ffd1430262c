using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using static Orchestrator.Controller.Tests.Placement.SampleHost;

namespace Orchestrator.Controller.Tests.Placement.Coordinator;

/// <summary>Admission before and between allocation attempts, case by case.</summary>
public sealed class PlacementAdmissionTests
{
    private static readonly PlaceBuffer Request = new("r1", "storage-01", [Nic], 8 * MiB);

    public static TheoryData<string, string> Cases() => new()
    {
        { "unknown host", "UnknownHost" },
        { "unknown client", "UnknownDevice" },
        { "host unreachable", "Unavailable" },
        { "host draining", "Draining" },
        { "no provider has room", "NoCompatibleProvider" },
        { "room only on a pool that is down", "Unavailable" },
        { "room only once bytes in flight are answered", "wait" },
        { "room", $"place {B}" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Admits(string name, string expected)
    {
        var host = name == "unknown host" ? null : State(freeA: name.StartsWith("room", StringComparison.Ordinal) ? 256 * MiB : 0, freeB: name.StartsWith("room", StringComparison.Ordinal) ? 16 * MiB : 0, freeC: 0);
        var request = name == "unknown client" ? Request with { Clients = ["0000:0a:00.0"] } : Request;
        if (name == "host unreachable")
        {
            host!.Status = HostStatus.Unreachable;
        }
        if (name == "host draining")
        {
            host!.Drained = true;
        }
        if (name == "room only on a pool that is down")
        {
            host!.Pools[A].MarkUnavailable("its journal cannot be written");
            host.Pools[B].MarkUnavailable("its journal cannot be written");
        }
        if (name.StartsWith("room only once", StringComparison.Ordinal))
        {
            host!.Pools[A].Reserve(256 * MiB);
            host.Pools[B].Reserve(16 * MiB);
        }
        Assert.Equal(expected, Describe(PlacementAdmission.Admit(host, request, new Random(1))));
    }

    [Fact]
    public void An_unknown_host_with_journaled_placements_is_not_registered_yet_not_unknown()
    {
        var refused = Assert.IsType<Admission.Refused>(PlacementAdmission.Admit(null, Request, new Random(1), journaledFor: true));
        Assert.Equal(PlacementErrorKind.Unavailable, refused.Rejection.Kind);
        Assert.Contains("not registered with this controller yet", refused.Rejection.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_refusal_the_next_provider_is_tried_a_bounded_number_of_times()
    {
        var host = State(freeA: 256 * MiB, freeB: 0, freeC: 0);
        var request = SampleHost.Request(8 * MiB, clients: [Nic]);
        Assert.Equal($"place {A}", Describe(PlacementAdmission.AfterRefusal(host, "storage-01", request, attempts: 1, "refused", new Random(1))));
        var spent = PlacementAdmission.AfterRefusal(host, "storage-01", request, PlacementAdmission.MaxAttempts, "refused", new Random(1));
        // A provider still fits and the node kept refusing (figures changing, pools going down): a passing state, 503, never 422.
        Assert.Equal("Unavailable", Describe(spent));
        Assert.Contains($"refused {PlacementAdmission.MaxAttempts} attempts, the last because refused", ((Admission.Refused)spent).Rejection.Message, StringComparison.Ordinal);
        var nothingFits = PlacementAdmission.AfterRefusal(State(freeA: 0, freeB: 0, freeC: 0), "storage-01", request, PlacementAdmission.MaxAttempts, "refused", new Random(1));
        Assert.Equal("NoCompatibleProvider", Describe(nothingFits));
        Assert.Equal("Unavailable", Describe(PlacementAdmission.AfterRefusal(null, "storage-01", request, 1, "refused", new Random(1))));
    }

    private static string Describe(Admission admission) => admission switch
    {
        Admission.Place p => $"place {p.Provider}",
        Admission.Wait => "wait",
        Admission.Refused r => r.Rejection.Kind.ToString(),
        _ => admission.ToString(),
    };
}
