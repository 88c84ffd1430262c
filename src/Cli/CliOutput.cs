using System.Text.Json;
using Orchestrator.Cli.Output;
using Orchestrator.Topology.Files;

namespace Orchestrator.Cli;

/// <summary>Where a command writes: stdout for answers, stderr for errors; JSON in one stable style.</summary>
internal sealed class CliOutput(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;

    public void Json<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, TopologyFile.Json));

    /// <summary>Prints the controller's JSON as JSON or YAML and answers true; false for a table format (the caller prints the table).</summary>
    public bool Structured(OutputFormat format, string serverJson)
    {
        switch (format)
        {
            case OutputFormat.Json:
                Output.WriteLine(ServerJson.Pretty(serverJson));
                return true;
            case OutputFormat.Yaml:
                Output.Write(YamlText.FromJson(serverJson));
                return true;
            default:
                return false;
        }
    }

    /// <summary>A value of ours as JSON or YAML, as <see cref="Structured(OutputFormat, string)"/>.</summary>
    public bool Structured<T>(OutputFormat format, T value)
    {
        switch (format)
        {
            case OutputFormat.Json:
                Json(value);
                return true;
            case OutputFormat.Yaml:
                Output.Write(YamlText.FromJson(JsonSerializer.Serialize(value, TopologyFile.Json)));
                return true;
            default:
                return false;
        }
    }
}
