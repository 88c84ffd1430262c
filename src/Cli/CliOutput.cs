using System.Text.Json;
using Orchestrator.Topology.Files;

namespace Orchestrator.Cli;

/// <summary>Where a command writes: stdout for answers, stderr for errors; JSON in one stable style.</summary>
internal sealed class CliOutput(TextWriter output, TextWriter error)
{
    public TextWriter Output { get; } = output;
    public TextWriter Error { get; } = error;

    public void Json<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, TopologyFile.Json));
}
