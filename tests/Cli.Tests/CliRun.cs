using System.Text.Json;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cli.Tests;

/// <summary>Runs p2pctl in-process and captures what it prints.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = P2pctl.Run(args, stdout, stderr);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    public JsonElement Json()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}: {Stderr}");
        using var doc = JsonDocument.Parse(Stdout);
        return doc.RootElement.Clone();
    }

    public static string Sysfs(string capture) => FixturePaths.Sysfs(capture);

    public static string Lspci(string file) => FixturePaths.Lspci(file);
}
