namespace Orchestrator.Hosting.CommandLine;

/// <summary>What a switch's value must be; checked when the command line is parsed, before anything starts.</summary>
public enum SwitchValue
{
    Text,
    Boolean,
    Integer,
    Duration,
}

/// <summary>
/// One command-line switch of a process (<c>--port 4054</c>) and the configuration key it sets
/// (<c>Orchestrator:Node:Port</c>), which the environment sets too (<see cref="EnvironmentVariable"/>).
/// </summary>
/// <remarks><see cref="Hidden"/>: accepted but not listed (the host's own <c>--contentRoot</c>, <c>--environment</c>, which test hosts pass).</remarks>
public sealed record ProcessSwitch(string Name, string Key, string Description, SwitchValue Value = SwitchValue.Text, string? ValueName = null, bool Hidden = false)
{
    /// <summary>The environment variable of the same setting: <c>Orchestrator__Node__Port</c>.</summary>
    public string EnvironmentVariable => Key.Replace(":", "__", StringComparison.Ordinal);
}

/// <summary>A process's name as its messages and help show it, what it is, and its switches.</summary>
public sealed record ProcessCommand(string Program, string Description, IReadOnlyList<ProcessSwitch> Switches);
