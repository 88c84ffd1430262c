using Orchestrator.Hosting;

namespace Orchestrator.Controller.Api;

/// <summary>REST bridge settings (section <c>Orchestrator:Api</c>). The listen address is ASP.NET's own <c>--urls</c> / <c>ASPNETCORE_URLS</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Orchestrator:Api";

    /// <summary>One bearer token (the <c>--token</c> switch).</summary>
    public string? Token { get; set; }

    /// <summary>More bearer tokens, so a token can be rotated without a window where none works.</summary>
    public List<string> Tokens { get; set; } = [];

    /// <summary>
    /// Named clients, each with its token and scope (<c>Orchestrator__Api__Clients__ops__Token</c>,
    /// <c>…__ops__Scope=admin</c>): the name is what logs (and the history) show. <see cref="Token"/> and
    /// <see cref="Tokens"/> are clients named <c>token</c>, <c>token-2</c>, … with scope <c>admin</c>.
    /// </summary>
    public Dictionary<string, ApiClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Changes (place, release, drain) one client may send per second (<see cref="MutationRateLimit"/>); 0: no limit.</summary>
    public int MutationsPerSecond { get; set; } = 5_000;

    /// <summary>Largest request body accepted; placement bodies are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long a request waits for the placement coordinator: longer than the controller's NodeTimeout, since a placement may retry on up to three providers.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<string> EffectiveTokens => [.. EffectiveClients.Select(c => c.Token)];

    /// <summary>Every client with a token: the named ones, then <see cref="Token"/> and <see cref="Tokens"/> (as admins).</summary>
    public IReadOnlyList<(string Name, string Token, ApiScope Scope)> EffectiveClients
    {
        get
        {
            var named = Clients.Where(c => !string.IsNullOrEmpty(c.Value.Token)).Select(c => (c.Key, c.Value.Token!, c.Value.Scope));
            var plain = Tokens.Prepend(Token).OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)
                .Select((t, i) => (i == 0 ? "token" : $"token-{i + 1}", t, ApiScope.Admin));
            return [.. named.Concat(plain).DistinctBy(c => c.Item2)];
        }
    }

    public static string Key(string setting) => $"{Section}:{setting}";

    internal void Validate(SettingsCheck check)
    {
        check.Positive(Key(nameof(MaxBodyBytes)), MaxBodyBytes, "bytes").Positive(Key(nameof(AskTimeout)), AskTimeout)
            .That(MutationsPerSecond >= 0, Key(nameof(MutationsPerSecond)), MutationsPerSecond, "expected 0 (no limit) or a positive number of changes per second and client");
        foreach (var (name, client) in Clients)
        {
            check.That(!string.IsNullOrEmpty(client.Token), Key($"Clients:{name}:Token"), "(empty)", "expected the client's bearer token");
        }
    }
}
