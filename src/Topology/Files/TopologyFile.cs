using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Orchestrator.Topology.Files;

/// <summary>
/// Reads and writes topology files (ARCHITECTURE §4.4): YAML (YamlDotNet, the maintained .NET YAML library) or
/// JSON, chosen by extension (<c>.json</c>) or by a leading <c>{</c>. Writes go to a temporary file renamed into
/// place, so a failed write leaves nothing half-written.
/// </summary>
public static class TopologyFile
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private static readonly JsonSerializerOptions CompactFileJson = new(Json) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static readonly IDeserializer YamlReader = new DeserializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .IgnoreUnmatchedProperties()
        .Build();

    private static readonly ISerializer YamlWriter = new SerializerBuilder()
        .WithNamingConvention(CamelCaseNamingConvention.Instance)
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .WithEventEmitter(next => new QuotedStringsEmitter(next))
        .Build();

    public static HostTopology Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TopologyException($"{path}: cannot read topology file: {e.Message}", e);
        }
        return Parse(text, path);
    }

    public static HostTopology Parse(string text, string source)
    {
        var document = ParseDocument(text, source) ?? throw new TopologyException($"{source}: empty topology file");
        return TopologyDocumentMapper.ToModel(document, source, Path.GetFileNameWithoutExtension(source));
    }

    private static TopologyDocument? ParseDocument(string text, string source)
    {
        if (source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{'))
        {
            try
            {
                return JsonSerializer.Deserialize<TopologyDocument>(text, Json);
            }
            catch (JsonException e)
            {
                throw new TopologyException($"{source}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: invalid JSON topology: {e.Message}", e);
            }
        }
        try
        {
            return YamlReader.Deserialize<TopologyDocument>(text);
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message;
            throw new TopologyException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid YAML topology: {e.Message}{(inner is null ? string.Empty : $" ({inner})")}", e);
        }
    }

    public static string ToYaml(HostTopology topology) => YamlWriter.Serialize(TopologyDocumentMapper.ToDocument(topology, withDiagnostics: false));

    public static string ToJson(HostTopology topology) => JsonSerializer.Serialize(TopologyDocumentMapper.ToDocument(topology, withDiagnostics: false), CompactFileJson);

    /// <summary>Writes YAML, or JSON when the path ends in <c>.json</c>, atomically.</summary>
    public static void Write(HostTopology topology, string path)
    {
        var text = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? ToJson(topology) : ToYaml(topology);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.WriteAllText(temp, text);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new TopologyException($"{path}: cannot write topology file: {e.Message}", e);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing more to undo: the target was never touched.
        }
    }
}
