namespace Orchestrator.Protocol.Node;

/// <summary>
/// Which PCI function backs an nvmet namespace (issue 17): the kernel checks that function against the namespace's
/// p2pmem provider when the namespace is enabled, so the controller places for it before anything is applied.
/// </summary>
[Manifest("node.resolve-namespace.v1")]
public sealed record ResolveNamespace(string SubsystemNqn, int NamespaceId) : IControllerRequest;

/// <summary>
/// The node's answer: the namespace's <c>device_path</c>, its block device and the PCI function nearest above it
/// (<see cref="Function"/>, e.g. <c>0000:03:00.0</c>); or, when none can be used, <see cref="Problem"/> with the paths read.
/// </summary>
[Manifest("node.namespace-resolved.v1")]
public sealed record NamespaceResolved(string Host, string SubsystemNqn, int NamespaceId, string? DevicePath, string? BlockDevice, string? Function, string? Problem) : INodeReport;
