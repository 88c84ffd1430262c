using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;

namespace Orchestrator.Controller.Placement;

/// <summary>
/// Issue 17: the kernel checks an NVMe-oF namespace's own PCI function against its p2pmem provider at enable
/// (<c>nvmet_p2pmem_ns_enable</c>), and the RDMA NIC at connect. The node says which function backs the namespace; it
/// joins the caller's clients, so the provider chosen is one the kernel accepts. A request that lists an NVMe
/// controller as a client but not the namespace's contradicts the node (the caller thinks the namespace is on another
/// drive) and is refused.
/// </summary>
public static class NamespaceClient
{
    /// <summary>How a <see cref="ClientVerdict"/> and the CLI name the namespace's function.</summary>
    public const string Role = "namespace device";

    /// <summary>The clients to place for, the namespace's function (null when unresolved and not applied), a note for the explanation, or the refusal.</summary>
    public sealed record Outcome(IReadOnlyList<string> Clients, string? NamespaceDevice, string? Note, PlacementRejected? Refusal);

    /// <param name="host">The host as registered.</param>
    /// <param name="hostName">Its name, for the messages.</param>
    /// <param name="clients">The caller's clients.</param>
    /// <param name="target">The request's NVMe-oF target.</param>
    /// <param name="reply">The node's <see cref="NamespaceResolved"/>, or a failure when it did not answer.</param>
    public static Outcome Combine(HostState host, string hostName, IReadOnlyList<string> clients, NvmeofTarget target, object reply)
    {
        var what = $"namespace {target.NamespaceId} of '{target.SubsystemNqn}' on host '{hostName}'";
        if (reply is not NamespaceResolved resolved)
        {
            var why = reply is Akka.Actor.Status.Failure f ? f.Cause.Message : $"unexpected reply {reply.GetType().Name}";
            return Refused(PlacementErrorKind.Unavailable, $"host '{hostName}' did not say which PCI function backs {what} ({why}); retry later");
        }
        if (resolved.Problem is { } problem)
        {
            return target.Apply
                ? Refused(PlacementErrorKind.UnusableNamespace,
                    $"{what} cannot take p2pmem: {problem}. Create the namespace on an NVMe PCI block device first, or send \"nvmeof\": {{\"apply\": false}} to place for the listed clients without applying it")
                : new Outcome(clients, null, $"{what} not resolved ({problem}): placed for the listed clients only, nothing applied (nvmeof.apply is false)", null);
        }
        if (!PciAddress.TryParse(resolved.Function, out var device) || host.Topology.Find(device) is null)
        {
            return Refused(PlacementErrorKind.Unavailable,
                $"{what} is backed by {resolved.Function} ({resolved.DevicePath}), which the host's last registration does not list (added since?); "
                + $"retry after its next rescan (POST /api/v1/hosts/{hostName}/rescan)");
        }
        var listed = clients.Select(c => PciAddress.TryParse(c, out var a) ? a : (PciAddress?)null).OfType<PciAddress>().ToList();
        if (listed.Contains(device))
        {
            return new Outcome(clients, device.ToString(), null, null);
        }
        if (listed.Where(a => IsNvme(host, a)).ToList() is [var other, ..])
        {
            return Refused(PlacementErrorKind.Invalid,
                $"clients list NVMe controller {other} and not {device}, which backs {what} ({resolved.DevicePath}): list {device}, or leave the drives out (it is added)");
        }
        return new Outcome([.. clients, device.ToString()], device.ToString(), null, null);
    }

    /// <summary>The explanation with the namespace's function marked as such, and the note for an unresolved one.</summary>
    public static PlacementExplanation Mark(PlacementExplanation explanation, Outcome outcome)
    {
        if (outcome.NamespaceDevice is not { } device)
        {
            return outcome.Note is { } note ? explanation with { Warnings = [.. explanation.Warnings, note] } : explanation;
        }
        var address = PciAddress.Parse(device);
        return explanation with
        {
            NamespaceDevice = device,
            Candidates = explanation.Candidates.Select(c => c with
            {
                Clients = c.Clients.Select(v => PciAddress.TryParse(v.Client, out var a) && a == address ? v with { Role = Role } : v).ToList(),
            }).ToList(),
        };
    }

    /// <summary>An NVM Express controller (class 01:08).</summary>
    private static bool IsNvme(HostState host, PciAddress address) => host.Topology.Find(address)?.ClassCode >> 8 == 0x0108;

    private static Outcome Refused(PlacementErrorKind kind, string message) => new([], null, null, new PlacementRejected(kind, message, null));
}
