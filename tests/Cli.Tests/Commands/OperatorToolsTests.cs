using System.Diagnostics;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cli.Tests.Commands;

/// <summary>p2pctl as an operator's tool (issue 15): typo suggestions, shell completion, and installing it as a .NET tool.</summary>
public sealed class OperatorToolsTests
{
    [Fact]
    public void A_mistyped_command_or_option_suggests_the_nearest()
    {
        var command = CliRun.Of("placments", "ls");
        Assert.Equal(2, command.ExitCode);
        Assert.Contains("(did you mean 'placements'?)", command.Stderr, StringComparison.Ordinal);

        var option = CliRun.Of("topo", "tree", "--sysf", CliRun.Sysfs("switch1"));
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("(did you mean '--sysfs'?)", option.Stderr, StringComparison.Ordinal);
        Assert.Contains("Run 'p2pctl topo tree --help' for usage.", option.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p2pctl pla", "placements")]
    [InlineData("p2pctl placements ", "explain")]
    [InlineData("p2pctl hosts dr", "drain")]
    [InlineData("p2pctl topo tree --sy", "--sysfs")]
    public void Complete_offers_the_words_that_may_follow(string line, string offered)
    {
        var run = CliRun.Of("complete", "--position", line.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "--", line);
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains(offered, run.Stdout.Split('\n', StringSplitOptions.TrimEntries));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _p2pctl_complete p2pctl")]
    [InlineData("zsh", "compdef _p2pctl_complete p2pctl")]
    [InlineData("fish", "complete -c p2pctl")]
    public void Completion_prints_a_script_for_each_shell(string shell, string expected)
    {
        var run = CliRun.Of("completion", shell);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains(expected, run.Stdout, StringComparison.Ordinal);
        Assert.Contains("p2pctl complete --position", run.Stdout, StringComparison.Ordinal);
        Assert.Equal(2, CliRun.Of("completion", "powershell").ExitCode);
    }

    /// <summary>The README's install: pack, install as a tool from that folder, and run it by its name.</summary>
    [Fact]
    public void It_packs_and_installs_as_a_dotnet_tool()
    {
        using var temp = new TempDirectory();
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        Run("dotnet", "pack", Path.Combine(FixturePaths.RepoRoot, "src", "Cli"), "--no-build", "-c", configuration, "-o", temp.Combine("nupkg"), "-nologo");
        Run("dotnet", "tool", "install", "p2pctl", "--tool-path", temp.Combine("tools"), "--add-source", temp.Combine("nupkg"), "--ignore-failed-sources");
        var version = Run(temp.Combine("tools", "p2pctl"), "--version");
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
    }

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(180_000), $"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited {process.ExitCode}: {stdout.Result} {stderr}");
        return stdout.Result;
    }
}
