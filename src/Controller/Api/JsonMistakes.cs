using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Orchestrator.Protocol.Text;

namespace Orchestrator.Controller.Api;

/// <summary>
/// System.Text.Json's verdict on a request body, in our words (issue 15): the field's JSON path, what it expects and
/// an example (<c>sizeBytes: expected an integer number of bytes, e.g. 1048576</c>), and for an unknown field the
/// nearest known one. No CLR type name reaches a client: the expectation comes from the body's own contract
/// (<see cref="JsonTypeInfo"/>), never from the exception's text.
/// </summary>
public static partial class JsonMistakes
{
    /// <summary>Examples by JSON field name, for the fields of our request bodies.</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["host"] = "\"storage-01\"",
        ["clients"] = "[\"0000:03:00.0\", \"0000:04:00.0\"]",
        ["sizeBytes"] = "1048576",
        ["requestId"] = "\"demo-1\"",
        ["subsystemNqn"] = "\"nqn.2014-08.org.example:target-1\"",
        ["namespaceId"] = "1",
        ["portId"] = "1",
        ["manageEnable"] = "true",
        ["apply"] = "true",
        ["mode"] = "\"orchestrator\"",
        ["maxLevel"] = "\"PXB\"",
        ["provider"] = "\"0000:04:00.0\"",
        ["nvmeof"] = "{\"subsystemNqn\": \"nqn.2014-08.org.example:target-1\", \"namespaceId\": 1}",
        ["policy"] = "{\"mode\": \"orchestrator\", \"maxLevel\": \"PXB\"}",
    };

    /// <summary>The field (JSON path without <c>$.</c>, or <c>$</c> for the body itself) and what is wrong with it.</summary>
    public static (string Field, string Message) Explain(JsonException e, Type body, JsonSerializerOptions options)
    {
        var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path.StartsWith("$.", StringComparison.Ordinal) ? e.Path[2..] : e.Path;
        if (Unmapped().Match(e.Message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups["name"].Value;
            var parent = field == name ? "$" : field.EndsWith("." + name, StringComparison.Ordinal) ? field[..^(name.Length + 1)] : field;
            var known = TypeAt(body, parent, options) is { } type ? Fields(type, options) : [];
            var nearest = Suggestions.Nearest(name, known);
            var at = parent == "$" ? name : $"{parent}.{name}";
            return (at, $"unknown field{(nearest is null ? string.Empty : $" (did you mean {nearest}?)")}; the fields here are {string.Join(", ", known)}");
        }
        if (e.Message.Contains("could not be converted", StringComparison.Ordinal) && TypeAt(body, field, options) is { } expected)
        {
            return (field, Expectation(field, expected, options));
        }
        // A syntax error ("'x' is an invalid start of a value"): the reader's own words, which name no type.
        var cut = e.Message.IndexOf(" Path:", StringComparison.Ordinal);
        var text = cut > 0 ? e.Message[..cut] : e.Message;
        return (field, ClrName().IsMatch(text) ? "this is not what the field takes" : text.TrimEnd('.'));
    }

    /// <summary>What a field takes, in words, with an example.</summary>
    public static string Expectation(string field, Type type, JsonSerializerOptions options)
    {
        var name = LastName(field);
        var example = Examples.GetValueOrDefault(name);
        type = Nullable.GetUnderlyingType(type) ?? type;
        var what = type switch
        {
            _ when type == typeof(long) && name.EndsWith("Bytes", StringComparison.Ordinal) => "an integer number of bytes",
            _ when type == typeof(int) || type == typeof(long) => "an integer",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(string) && field.EndsWith(']') => "a PCI address as a string",
            _ when type == typeof(string) => "a string",
            _ when ElementOf(type) == typeof(string) => name == "clients" ? "an array of PCI addresses as strings" : "an array of strings",
            _ => $"an object with the fields {string.Join(", ", Fields(type, options))}",
        };
        example = field.EndsWith(']') ? "\"0000:03:00.0\"" : example;
        return $"expected {what}{(example is null ? string.Empty : $", e.g. {example}")}";
    }

    private static string LastName(string field)
    {
        var name = field.Contains('.', StringComparison.Ordinal) ? field[(field.LastIndexOf('.') + 1)..] : field;
        var bracket = name.IndexOf('[', StringComparison.Ordinal);
        return bracket >= 0 ? name[..bracket] : name;
    }

    /// <summary>The declared type at a path such as <c>nvmeof.namespaceId</c> or <c>clients[1]</c>, or null.</summary>
    private static Type? TypeAt(Type body, string path, JsonSerializerOptions options)
    {
        if (path == "$")
        {
            return body;
        }
        Type? type = body;
        foreach (var segment in path.Split('.'))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? segment[..bracket] : segment;
            type = Property(Nullable.GetUnderlyingType(type!) ?? type!, name, options);
            for (var i = bracket; type is not null && i >= 0 && i < segment.Length; i = segment.IndexOf('[', i + 1))
            {
                type = ElementOf(type);
            }
            if (type is null)
            {
                return null;
            }
        }
        return type;
    }

    private static Type? Property(Type type, string name, JsonSerializerOptions options)
        => Info(type, options)?.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType;

    private static List<string> Fields(Type type, JsonSerializerOptions options) => Info(type, options)?.Properties.Select(p => p.Name).ToList() ?? [];

    private static JsonTypeInfo? Info(Type type, JsonSerializerOptions options)
    {
        var info = options.GetTypeInfo(type);
        return info.Kind == JsonTypeInfoKind.Object ? info : null;
    }

    private static Type? ElementOf(Type type)
        => type.IsArray ? type.GetElementType()
            : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? element : null;

    [GeneratedRegex("The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"\b(System|Orchestrator|Microsoft)\.[A-Z]")]
    private static partial Regex ClrName();
}
