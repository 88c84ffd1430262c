namespace Orchestrator.Protocol;

/// <summary>
/// An identity assigned once in a journal under <see cref="Owner"/> (the persistence id): a node's
/// (<c>identity/&lt;host&gt;</c>, reported with every registration) or the controllers' journal's
/// (<c>journal-identity</c>: controllers that share one journal read the same).
/// </summary>
[Manifest("identity.assigned.v1")]
public sealed record IdentityAssigned(string Owner, string Identity) : IProtocolMessage;
