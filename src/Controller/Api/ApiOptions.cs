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

    /// <summary>Largest request body accepted; placement bodies are a few hundred bytes.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>How long a request waits for the placement coordinator: longer than the controller's NodeTimeout, since a placement may retry on up to three providers.</summary>
    public TimeSpan AskTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<string> EffectiveTokens => [.. Tokens.Append(Token).OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)];

    public static string Key(string setting) => $"{Section}:{setting}";

    internal void Validate(SettingsCheck check) => check
        .Positive(Key(nameof(MaxBodyBytes)), MaxBodyBytes, "bytes")
        .Positive(Key(nameof(AskTimeout)), AskTimeout);
}
