namespace Orchestrator.Protocol.Controller;

/// <summary>The identity of a controller's journal, assigned once in it (<c>journal-identity</c>): controllers that share one journal read the same.</summary>
[Manifest("controller.journal-identity-assigned.v1")]
public sealed record JournalIdentityAssigned(string Identity) : IProtocolMessage;

/// <summary>One controller asks another which journal it keeps the placements in.</summary>
[Manifest("controller.get-journal-identity.v1")]
public sealed record GetJournalIdentity : IProtocolMessage;

/// <summary>A controller's journal: its identity, and where it is, in words for an operator.</summary>
[Manifest("controller.journal-identity.v1")]
public sealed record JournalIdentity(string Identity, string Where) : IProtocolMessage;
