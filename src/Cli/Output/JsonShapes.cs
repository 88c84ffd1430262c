namespace Orchestrator.Cli.Output;

// The JSON shapes of p2pctl --json; field names are the contract scripts rely on (more fields may be added).

public sealed record CheckJson(string Provider, bool Compatible, int Distance, IReadOnlyList<CheckClientJson> Clients);

public sealed record CheckClientJson(string Address, string MapType, int Distance, string Level, string Reason, string? AcsHint);

public sealed record FindJson(string Policy, string? Provider, int Distance, IReadOnlyList<string> Ties, IReadOnlyList<FindCandidateJson> Candidates);

public sealed record FindCandidateJson(string Provider, int Distance, bool Compatible, string Reason);
