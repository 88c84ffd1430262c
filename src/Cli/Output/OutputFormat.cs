using System.CommandLine;

namespace Orchestrator.Cli.Output;

/// <summary>How a command prints its answer: <c>-o table|wide|json|yaml</c>, as kubectl's <c>-o</c>.</summary>
internal enum OutputFormat
{
    Table,

    /// <summary>The table with more columns (kubectl's <c>-o wide</c>).</summary>
    Wide,
    Json,
    Yaml,
}

/// <summary>
/// <c>-o/--output</c>, and <c>--json</c> kept as its shorthand for <c>-o json</c> (scripts written before <c>-o</c> use it).
/// Recursive on a command whose subcommands print too (<c>hosts</c>), so the option goes before or after them.
/// </summary>
internal sealed class OutputOption
{
    private readonly Option<string> output = new("--output", "-o")
    {
        Description = "How to print: table (default), wide (more columns), json or yaml",
        HelpName = "table|wide|json|yaml",
    };

    private readonly Option<bool> json = new("--json") { Description = "Same as -o json" };

    public OutputOption()
    {
        output.AcceptOnlyFromAmong("table", "wide", "json", "yaml");
    }

    public void AddTo(Command command, bool recursive = false)
    {
        output.Recursive = recursive;
        json.Recursive = recursive;
        command.Options.Add(output);
        command.Options.Add(json);
    }

    public OutputFormat Get(ParseResult parsed)
    {
        var named = parsed.GetValue(output);
        if (parsed.GetValue(json))
        {
            return named is null or "json" ? OutputFormat.Json : throw new UsageException($"--json and -o {named} contradict each other: give one");
        }
        return named switch
        {
            "wide" => OutputFormat.Wide,
            "json" => OutputFormat.Json,
            "yaml" => OutputFormat.Yaml,
            _ => OutputFormat.Table,
        };
    }
}
