using System.Diagnostics;
using System.Text.Json;

namespace Orchestrator.Cli.Tests;

/// <summary>The built p2pctl as a real process: exit codes and streams as a shell sees them.</summary>
public class ProcessTests
{
    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "p2pctl.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "p2pctl did not finish in 60 s");
        return (process.ExitCode, stdout.Result, stderr);
    }

    [Fact]
    public void The_built_tool_answers_and_fails_with_the_documented_exit_codes()
    {
        var ok = Run("p2p", "check", "--sysfs", CliRun.Sysfs("switch1"), "--provider", "03:00.0", "--client", "05:00.0", "--json");
        Assert.Equal(0, ok.Code);
        Assert.True(JsonDocument.Parse(ok.Stdout).RootElement.GetProperty("compatible").GetBoolean());

        var badInput = Run("topo", "tree", "--topology", "/nonexistent/host.yaml");
        Assert.Equal(1, badInput.Code);
        Assert.Contains("/nonexistent/host.yaml", badInput.Stderr, StringComparison.Ordinal);

        var badUsage = Run("topo", "tree", "--no-such-option");
        Assert.Equal(2, badUsage.Code);
    }
}
