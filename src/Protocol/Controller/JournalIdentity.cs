namespace Orchestrator.Protocol.Controller;

/// <summary>One controller asks another which journal it keeps the placements in.</summary>
[Manifest("controller.get-journal-identity.v1")]
public sealed record GetJournalIdentity : IProtocolMessage;

/// <summary>A controller's journal: its identity, and where it is, in words for an operator.</summary>
[Manifest("controller.journal-identity.v1")]
public sealed record JournalIdentity(string Identity, string Where) : IProtocolMessage;
