namespace Orchestrator.Cli.Tests.Remote;

internal static class OneLine
{
    /// <summary>The run failed with this exit code and exactly one line on stderr, "p2pctl: …", without a stack trace.</summary>
    public static string Failure(CliRun run, int exitCode)
    {
        Assert.True(run.ExitCode == exitCode, $"exit {run.ExitCode}, expected {exitCode}: {run.Stderr}");
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("p2pctl: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at Orchestrator.", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", run.Stderr, StringComparison.Ordinal);
        return line;
    }
}
