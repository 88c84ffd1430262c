using System.CommandLine;
using Orchestrator.Cli.Commands;
using Orchestrator.Cli.Remote;
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
        var root = new RootCommand("p2pctl: PCIe peer-to-peer memory topology and placement tool")
        {
            TopoCommands.Create(output),
            P2pCommands.Create(output),
            HostsCommands.Create(output),
            PlacementsCommands.Create(output),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                stderr.WriteLine($"p2pctl: {error.Message}");
            }
            stderr.WriteLine("Run 'p2pctl --help' for usage.");
            return BadUsage;
        }
        return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
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
