using System.Text.Json.Serialization;

namespace Orchestrator.Protocol.Node;

/// <summary>
/// Point an nvmet namespace's p2pmem at a provider (ARCHITECTURE §7.4), and keep it there: the node records it as the
/// namespace's desired value and converges to it (<see cref="NvmetStatus"/>). <see cref="ManageEnable"/>: the node may
/// disable the namespace to change the value and enables it afterwards, recording the kernel's answer.
/// </summary>
[Manifest("node.apply-nvmet.v1")]
public sealed record ApplyNvmet(string AllocationId, string Provider, string SubsystemNqn, int NamespaceId, bool ManageEnable = false) : IControllerRequest;

/// <summary>Give the namespace back to host memory (writes 0) and stop converging it.</summary>
[Manifest("node.release-nvmet.v1")]
public sealed record ReleaseNvmet(string AllocationId, string SubsystemNqn, int NamespaceId, bool ManageEnable = false) : IControllerRequest;

/// <summary>
/// Every placement of this host with an NVMe-oF target, as the controller's journal has them: sent after each
/// registration, it replaces what the node converges to (a restarted node learns it again this way).
/// </summary>
[Manifest("node.desired-nvmet.v1")]
public sealed record DesiredNvmet(IReadOnlyList<ApplyNvmet> Placements) : IControllerRequest;

/// <summary>What the kernel's nvmet does with a placement's namespace compared with what was decided.</summary>
public enum NvmetState
{
    /// <summary><c>p2pmem</c> reads the desired provider.</summary>
    Applied,

    /// <summary>The namespace is enabled and reads another value: the kernel takes a change only while <c>enable</c> reads 0.</summary>
    [JsonStringEnumMemberName("pending-disable")]
    PendingDisable,

    /// <summary>No such subsystem or namespace under the configfs root.</summary>
    Missing,

    /// <summary><c>p2pmem</c> differs from the desired value and this node may not change it (applying is switched off).</summary>
    Drift,

    /// <summary>Reading or writing configfs failed, or the kernel refused the value or the enable: <see cref="NvmetStatus.Errno"/>.</summary>
    Error,
}

/// <summary>
/// One placement's namespace as the node last read it: the desired provider (null once released), what
/// <c>p2pmem</c> reads (<see cref="Actual"/>, e.g. <c>0000:03:00.0</c>, <c>0</c> or <c>1</c>; null when unreadable),
/// whether the namespace is enabled, and a state with an operator's message (the path and errno on failure).
/// </summary>
public sealed record NvmetStatus(
    string PlacementId,
    string SubsystemNqn,
    int NamespaceId,
    string? Desired,
    string? Actual,
    bool? Enabled,
    NvmetState State,
    string Message,
    int? Errno,
    DateTime ObservedAt);

/// <summary>The node's readings of its placements' namespaces: the answer to an apply or release, and every change it observes.</summary>
[Manifest("node.nvmet-report.v1")]
public sealed record NvmetReport(string Host, IReadOnlyList<NvmetStatus> Statuses) : INodeReport;

public static class NvmetStates
{
    /// <summary>The state's name as JSON, the CLI, metrics and the <c>?nvmet=</c> filter spell it: <c>applied</c>, <c>pending-disable</c>, …</summary>
    public static string Name(NvmetState state) => state == NvmetState.PendingDisable ? "pending-disable" : state.ToString().ToLowerInvariant();

    public static NvmetState? Parse(string name) => Enum.GetValues<NvmetState>().Cast<NvmetState?>().FirstOrDefault(s => Name(s!.Value) == name.ToLowerInvariant());
}
