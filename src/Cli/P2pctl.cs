using System.CommandLine;
using Orchestrator.Cli.Commands;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Text;
using Orchestrator.Topology.Model;

namespace Orchestrator.Cli;

/// <summary>
/// The <c>p2pctl</c> command line. System.CommandLine was chosen over Spectre.Console.Cli because it is the
/// .NET team's parser (POSIX conventions, completions, no reflection-driven settings classes) and lets us own
/// exit codes and output streams exactly: 0 answered, 1 bad input, 2 bad usage.
/// </summary>
public static class P2pctl
{
    public const int Answered = 0;
    public const int BadInput = 1;
    public const int BadUsage = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var output = new CliOutput(stdout, stderr);
        var root = Root(output);
        foreach (var command in CompletionCommands.Create(output, () => Root(output)))
        {
            root.Subcommands.Add(command);
        }
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"p2pctl: {WithSuggestion(error.Message, parsed.CommandResult.Command)}");
            }
            stderr.WriteLine($"Run 'p2pctl {string.Concat(Path(parsed.CommandResult.Command))}--help' for usage.");
            return BadUsage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    private static RootCommand Root(CliOutput output) => new("p2pctl: PCIe peer-to-peer memory topology and placement tool")
    {
        TopoCommands.Create(output),
        P2pCommands.Create(output),
        HostsCommands.Create(output),
        PlacementsCommands.Create(output),
        EventsCommands.Create(output),
    };

    /// <summary>An unknown word with the nearest subcommand or option of the command it was given to: "did you mean".</summary>
    private static string WithSuggestion(string message, Command command)
    {
        const string Unrecognized = "Unrecognized command or argument '";
        if (!message.StartsWith(Unrecognized, StringComparison.Ordinal))
        {
            return message;
        }
        var token = message[Unrecognized.Length..].TrimEnd('.', '\'');
        var known = command.Subcommands.Select(c => c.Name).Concat(command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)));
        return Suggestions.Nearest(token, known) is { } nearest ? $"{message.TrimEnd('.')} (did you mean '{nearest}'?)" : message;
    }

    private static IEnumerable<string> Path(Command command)
    {
        var names = new List<string>();
        for (var c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name + " ");
        }
        return names;
    }

    /// <summary>Runs a command body, turning the errors users can cause into a one-line message and an exit code.</summary>
    internal static int Guard(CliOutput output, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            output.Error.WriteLine($"p2pctl: {e.Message}");
            return BadUsage;
        }
        catch (TopologyException e)
        {
            output.Error.WriteLine($"p2pctl: {OneLine(e.Message)}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or ControllerException)
        {
            output.Error.WriteLine($"p2pctl: {OneLine(e.Message)}");
            return BadInput;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}

/// <summary>A command line that parses but makes no sense (no source, two sources).</summary>
internal sealed class UsageException(string message) : Exception(message);
