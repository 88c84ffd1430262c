using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Orchestrator.RealKernel.Tests;

/// <summary>
/// What the guest printed, as <c>run-guest.sh</c> logged it (<c>+SECONDS line</c>, seconds since QEMU started):
/// <c>RK-RESULT name value</c> lines (a name may repeat), <c>RK-TIME name uptime</c> milestones, the kit's
/// <c>GK init-start</c> and <c>GK-EXIT rc=N</c>.
/// </summary>
public sealed partial class GuestLog
{
    private readonly Dictionary<string, List<string>> results = new(StringComparer.Ordinal);

    private GuestLog()
    {
    }

    /// <summary>Host seconds (since QEMU started) when the kernel ran <c>/init</c>.</summary>
    public double? InitAt { get; private set; }

    /// <summary>Host seconds when the guest printed <c>GK-EXIT</c>, and its rc.</summary>
    public double? ExitAt { get; private set; }

    public int? ExitCode { get; private set; }

    /// <summary>Milestones in order: name, host seconds since QEMU started, guest uptime.</summary>
    public List<(string Name, double Host, double Uptime)> Milestones { get; } = [];

    public static GuestLog Parse(IEnumerable<string> lines)
    {
        var log = new GuestLog();
        foreach (var raw in lines)
        {
            var m = Stamped().Match(raw);
            if (!m.Success)
            {
                continue;
            }
            var at = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var line = m.Groups[2].Value;
            if (line.StartsWith("RK-RESULT ", StringComparison.Ordinal))
            {
                var rest = line["RK-RESULT ".Length..];
                var space = rest.IndexOf(' ', StringComparison.Ordinal);
                var (name, value) = space < 0 ? (rest, "") : (rest[..space], rest[(space + 1)..]);
                if (!log.results.TryGetValue(name, out var list))
                {
                    log.results[name] = list = [];
                }
                list.Add(value);
            }
            else if (line.StartsWith("RK-TIME ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length == 3 && double.TryParse(parts[2], CultureInfo.InvariantCulture, out var uptime)
                    && !log.Milestones.Exists(x => x.Name == parts[1]))
                {
                    log.Milestones.Add((parts[1], at, uptime));
                }
            }
            else if (line.StartsWith("GK init-start", StringComparison.Ordinal))
            {
                log.InitAt = at;
            }
            else if (ExitLine().Match(line) is { Success: true } exit)
            {
                log.ExitAt = at;
                log.ExitCode = int.Parse(exit.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        return log;
    }

    public IReadOnlyList<string> All(string name) => results.TryGetValue(name, out var list) ? list : [];

    public string? Value(string name) => results.TryGetValue(name, out var list) && list.Count > 0 ? list[^1] : null;

    public string Require(string name) =>
        Value(name) ?? throw new Xunit.Sdk.XunitException($"the guest printed no 'RK-RESULT {name}' line (see the guest log)");

    public JsonElement Json(string name)
    {
        var text = Require(name);
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"RK-RESULT {name} is not JSON ({e.Message}): {Shorten(text)}");
        }
    }

    public IReadOnlyList<JsonElement> JsonAll(string name) => All(name).Select(text =>
    {
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }).ToList();

    /// <summary>Seconds between two milestones (host clock), or null when either is missing.</summary>
    public double? Between(string from, string to)
    {
        var a = Milestones.FindIndex(x => x.Name == from);
        var b = Milestones.FindIndex(x => x.Name == to);
        return a < 0 || b < 0 ? null : Milestones[b].Host - Milestones[a].Host;
    }

    public double? At(string name) => Milestones.FindIndex(x => x.Name == name) is var i and >= 0 ? Milestones[i].Host : null;

    public static string Shorten(string text, int max = 2000) => text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";

    [GeneratedRegex(@"^\+([0-9]+\.[0-9]+) (.*)$")]
    private static partial Regex Stamped();

    [GeneratedRegex(@"^GK-EXIT rc=([0-9]+)")]
    private static partial Regex ExitLine();
}
