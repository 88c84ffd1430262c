using System.Globalization;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Cli.Output;

/// <summary>
/// JSON as YAML for <c>-o yaml</c>: the same fields and values (so a script can switch formats). String values are
/// double-quoted as in topology files, so YAML 1.1 readers do not turn addresses or hex ids into numbers; keys,
/// numbers, booleans and nulls stay plain.
/// </summary>
internal static class YamlText
{
    public static string FromJson(string json)
    {
        using var document = ServerJson.Parse(json);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        new YamlStream(new YamlDocument(Node(document.RootElement))).Save(text, assignAnchors: false);
        // YamlStream ends every document with "..."; one document needs no end marker.
        return text.ToString().Replace("\n...\n", "\n", StringComparison.Ordinal);
    }

    private static YamlNode Node(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => new YamlMappingNode(e.EnumerateObject().Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Name), Node(p.Value)))),
        JsonValueKind.Array => new YamlSequenceNode(e.EnumerateArray().Select(Node)),
        JsonValueKind.String => new YamlScalarNode(e.GetString()) { Style = ScalarStyle.DoubleQuoted },
        JsonValueKind.Null => new YamlScalarNode("null"),
        _ => new YamlScalarNode(e.GetRawText()),
    };
}
