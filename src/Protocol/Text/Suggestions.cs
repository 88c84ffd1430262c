namespace Orchestrator.Protocol.Text;

/// <summary>
/// "Did you mean": the known name nearest a mistyped one, by edit distance (at most a third of its length, and 3), or
/// the one it is the start of (<c>size</c> for <c>sizeBytes</c>).
/// </summary>
public static class Suggestions
{
    public static string? Nearest(string typed, IEnumerable<string> known)
    {
        var limit = Math.Min(3, Math.Max(1, typed.Length / 3));
        var bare = typed.TrimStart('-');
        return known.Select(k => (Name: k, Distance: Distance(typed, k)))
            .Where(k => k.Distance <= limit || (bare.Length >= 3 && k.Name.TrimStart('-').StartsWith(bare, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(k => k.Distance).ThenBy(k => k.Name, StringComparer.Ordinal)
            .Select(k => k.Name).FirstOrDefault();
    }

    /// <summary>Levenshtein distance (insert, delete, replace), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var same = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]);
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (same ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
