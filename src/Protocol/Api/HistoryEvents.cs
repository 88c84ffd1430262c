using Orchestrator.Protocol.Controller;

namespace Orchestrator.Protocol.Api;

/// <summary>
/// One journaled event of the placement coordinator as the history shows it (issue 16). <see cref="Sequence"/>: its
/// sequence number in the coordinator's journal (the SSE id, and the cursor of <c>since</c> and <c>before</c>);
/// <see cref="Time"/>: when the journal wrote it; <see cref="Kind"/>: <c>requested</c>, <c>redecided</c> (the node
/// refused the first choice and another provider was chosen), <c>committed</c>, <c>failed</c>, <c>release-requested</c>,
/// <c>released</c>, <c>lost</c>, <c>drained</c>, <c>undrained</c>, <c>host-identified</c>; <see cref="Who"/>: the
/// REST client whose request it belongs to (<c>anonymous</c> on a controller without tokens, <c>controller</c> for
/// what the controller concluded itself, <c>unknown</c> for events journaled before who was recorded);
/// <see cref="Decision"/>: for a decision, the chosen provider and the closer ones rejected, with why.
/// </summary>
public sealed record HistoryEvent(long Sequence, DateTimeOffset Time, string Kind, string Who, string? PlacementId, string? Host, string? Provider, long? SizeBytes,
    string? Detail, HistoryDecision? Decision);

/// <summary>A decision as journaled: the chosen provider, the mode, the clients, and the providers closer than the chosen one that were rejected.</summary>
public sealed record HistoryDecision(string Chosen, string Mode, IReadOnlyList<string> Clients, IReadOnlyList<PassedOver> Closer);

/// <summary>
/// A page of history. Newest first, unless asked <c>since</c> a sequence number (then oldest first). <see cref="Next"/>:
/// the <c>before</c> (newest first) or <c>since</c> (oldest first) of the next page, null at the end;
/// <see cref="OldestRetained"/>: the oldest sequence number still held (older events were compacted away with the
/// journal, <c>--history-events</c>); <see cref="Warnings"/>: why the history may be incomplete (the journal cannot be read).
/// </summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEvent> Events, long? Next, long Newest, long OldestRetained, IReadOnlyList<string> Warnings);
