using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using Orchestrator.Protocol.Text;

namespace Orchestrator.Hosting.CommandLine;

/// <summary>
/// The command line of the controller and the node (issue 15), parsed by System.CommandLine as <c>p2pctl</c>'s is:
/// <c>--help</c> lists every switch with its environment variable, <c>--version</c> prints the build, and an unknown
/// switch or a bad value stops the process with exit 2 and one line (with the nearest known switch when there is one)
/// before anything starts. The values then reach the configuration under their keys
/// (<see cref="Microsoft.Extensions.Configuration.CommandLineConfigurationExtensions"/>), after the environment.
/// </summary>
public static class ProcessCommandLine
{
    public const int BadUsage = 2;

    /// <summary>The switches as the configuration's command-line provider maps them.</summary>
    public static Dictionary<string, string> Map(IEnumerable<ProcessSwitch> switches) => switches.ToDictionary(s => s.Name, s => s.Key, StringComparer.Ordinal);

    /// <summary>
    /// Parses <paramref name="args"/>: null when the process should go on and start; otherwise the exit code, after
    /// printing help or the version (0) or the one-line refusal (<see cref="BadUsage"/>).
    /// </summary>
    public static int? Check(string program, string description, IReadOnlyList<ProcessSwitch> switches, string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand(description + " Any setting can also be given by its key: --Orchestrator:Section:Name=value.");
        foreach (var s in switches)
        {
            var option = new Option<string>(s.Name)
            {
                Description = $"{s.Description} [env: {s.EnvironmentVariable}]",
                HelpName = s.ValueName ?? ValueName(s.Value),
                Arity = ArgumentArity.ExactlyOne,
                Hidden = s.Hidden,
            };
            option.Validators.Add(result => Validate(s, result));
            root.Options.Add(option);
        }
        var go = false;
        root.SetAction(_ => go = true);
        // A setting by its configuration key (--Orchestrator:Api:AskTimeout=00:00:30, as .NET's configuration reads
        // it and as test hosts pass theirs) is the configuration's to check, not a switch.
        var parsed = root.Parse(args.Where(a => !IsSettingByKey(a)).ToArray());
        if (parsed.Errors.Count > 0)
        {
            error.WriteLine($"{program}: {Explain(parsed.Errors[0], switches)}. Run '{program} --help' for every switch.");
            return BadUsage;
        }
        var code = parsed.Invoke(new InvocationConfiguration { Output = output, Error = error });
        return go ? null : code;
    }

    private static bool IsSettingByKey(string arg)
        => arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var equals and > 2
            && (arg.AsSpan(2, equals - 2).Contains(':') || arg.AsSpan(2, equals - 2).SequenceEqual("Orchestrator"));

    /// <summary>The build's version, as <c>--version</c> prints it.</summary>
    public static string Version(Assembly assembly)
        => assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private static string Explain(ParseError error, IReadOnlyList<ProcessSwitch> switches)
    {
        var message = error.Message.TrimEnd('.');
        const string Unrecognized = "Unrecognized command or argument '";
        if (!message.StartsWith(Unrecognized, StringComparison.Ordinal))
        {
            return message;
        }
        var token = message[Unrecognized.Length..].TrimEnd('\'');
        var nearest = Suggestions.Nearest(token, switches.Select(s => s.Name));
        return token.StartsWith('-')
            ? $"unknown switch '{token}'{(nearest is null ? string.Empty : $" (did you mean {nearest}?)")}"
            : $"unexpected argument '{token}' (every value follows its switch, such as --port 4054)";
    }

    private static void Validate(ProcessSwitch s, OptionResult result)
    {
        var value = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (value is null)
        {
            return;  // the arity error says it
        }
        var expected = s.Value switch
        {
            SwitchValue.Boolean when !bool.TryParse(value, out _) => "true or false",
            SwitchValue.Integer when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) => "a whole number",
            SwitchValue.Duration when !TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out _) => "a duration as hh:mm:ss, such as 00:00:10",
            _ => null,
        };
        if (expected is not null)
        {
            result.AddError($"{s.Name}: '{value}' is not {expected}");
        }
    }

    private static string ValueName(SwitchValue value) => value switch
    {
        SwitchValue.Boolean => "true|false",
        SwitchValue.Integer => "n",
        SwitchValue.Duration => "hh:mm:ss",
        _ => "value",
    };
}
