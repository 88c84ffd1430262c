using Akka.Actor;
using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using static Orchestrator.Controller.Tests.Placement.SampleHost;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>Issue 17 on storage-01: the namespace's own drive joins the clients, and what the node could not resolve is refused or noted.</summary>
public sealed class NamespaceClientTests
{
    private const string Nqn = "nqn.2014-08.org.example:target-1";
    private static readonly NvmeofTarget Target = new(Nqn, 1, null);

    private static NamespaceResolved On(string? function, string? problem = null) => new("storage-01", Nqn, 1, "/dev/nvme1n1", "nvme1n1", function, problem);

    [Fact]
    public void The_namespaces_drive_joins_the_clients_and_the_decision_serves_both()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic], Target, On(C));
        Assert.Null(outcome.Refusal);
        Assert.Equal([Nic, C], outcome.Clients);
        Assert.Equal(C, outcome.NamespaceDevice);

        var request = Request(MiB, clients: [.. outcome.Clients]);
        var decision = PlacementDecider.Decide(State(), request, new Random(1));
        var marked = NamespaceClient.Mark(decision.Explanation, outcome);
        Assert.Equal(C, marked.NamespaceDevice);
        Assert.All(marked.Candidates, c => Assert.Equal("namespace device", Assert.Single(c.Clients, v => v.Client == C).Role));
        Assert.All(marked.Candidates, c => Assert.Null(Assert.Single(c.Clients, v => v.Client == Nic).Role));
    }

    [Fact]
    public void A_drive_already_listed_is_not_added_twice()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic, "04:00.0"], Target, On(A));
        Assert.Equal([Nic, "04:00.0"], outcome.Clients);
    }

    [Fact]
    public void Clients_that_name_another_drive_and_not_the_namespaces_contradict_the_node()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic, B], Target, On(A));
        Assert.Equal(PlacementErrorKind.Invalid, outcome.Refusal!.Kind);
        Assert.Equal($"clients list NVMe controller {B} and not {A}, which backs namespace 1 of '{Nqn}' on host 'storage-01' (/dev/nvme1n1): "
            + $"list {A}, or leave the drives out (it is added)", outcome.Refusal.Message);
    }

    [Fact]
    public void A_namespace_the_node_cannot_resolve_is_refused_as_unusable_with_the_nodes_reason()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic], Target, On(null, "subsystem 'x' has no namespace 1 (/cfg/…)"));
        Assert.Equal(PlacementErrorKind.UnusableNamespace, outcome.Refusal!.Kind);
        Assert.StartsWith($"namespace 1 of '{Nqn}' on host 'storage-01' cannot take p2pmem: subsystem 'x' has no namespace 1", outcome.Refusal.Message, StringComparison.Ordinal);
        Assert.Contains("\"apply\": false", outcome.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_apply_an_unresolved_namespace_is_placed_for_the_listed_clients_with_a_note()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic], Target with { Apply = false }, On(null, "no nvmet under /sys/kernel/config"));
        Assert.Null(outcome.Refusal);
        Assert.Equal([Nic], outcome.Clients);
        Assert.Null(outcome.NamespaceDevice);
        var explanation = NamespaceClient.Mark(new PlacementExplanation("storage-01", "orchestrator", A, [], []), outcome);
        Assert.Contains("nothing applied (nvmeof.apply is false)", Assert.Single(explanation.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void A_drive_the_last_registration_does_not_list_waits_for_a_rescan()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic], Target, On("0000:42:00.0"));
        Assert.Equal(PlacementErrorKind.Unavailable, outcome.Refusal!.Kind);
        Assert.Contains("POST /api/v1/hosts/storage-01/rescan", outcome.Refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_node_that_did_not_answer_is_a_passing_state()
    {
        var outcome = NamespaceClient.Combine(State(), "storage-01", [Nic], Target, new Status.Failure(new TimeoutException("timed out after 5 s")));
        Assert.Equal(PlacementErrorKind.Unavailable, outcome.Refusal!.Kind);
        Assert.Contains("(timed out after 5 s); retry later", outcome.Refusal.Message, StringComparison.Ordinal);
    }
}
