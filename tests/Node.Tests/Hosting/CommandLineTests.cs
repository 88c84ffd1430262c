using Orchestrator.Tests.Shared;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>The node's command line as a user meets it (issue 15): help and version, and a bad switch refused before anything starts.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Help_lists_every_switch_with_its_environment_variable_and_starts_nothing()
    {
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--help", "--port", "4054");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var text = string.Join('\n', run.Lines);
        foreach (var (option, variable) in new[] { ("--port", "Orchestrator__Node__Port"), ("--journal", "Orchestrator__Node__Journal"), ("--nvmet-every", "Orchestrator__Node__NvmetEvery") })
        {
            Assert.Contains(run.Lines, l => l.Contains(option, StringComparison.Ordinal) && text.Contains(variable, StringComparison.Ordinal));
        }
        Assert.DoesNotContain("Remoting", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public async Task Version_prints_the_build()
    {
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--version");
        Assert.Equal(0, run.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", Assert.Single(run.Lines));
    }

    [Theory]
    [InlineData("--prot", "Orchestrator.Node: unknown switch '--prot' (did you mean --port?). Run 'Orchestrator.Node --help' for every switch.")]
    [InlineData("--tokens", "Orchestrator.Node: unknown switch '--tokens'. Run 'Orchestrator.Node --help' for every switch.")]
    public async Task An_unknown_switch_is_exit_2_with_one_line(string option, string expected)
    {
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, option, "4054");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal(expected, run.Stderr.Trim());
        Assert.Empty(run.Lines);
    }

    [Theory]
    [InlineData("--port", "abc", "--port: 'abc' is not a whole number")]
    [InlineData("--nvmet-every", "10s", "--nvmet-every: '10s' is not a duration as hh:mm:ss, such as 00:00:10")]
    [InlineData("--nvmet-apply", "yes", "--nvmet-apply: 'yes' is not true or false")]
    public async Task A_bad_value_is_exit_2_with_one_line_naming_it(string option, string value, string expected)
    {
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, option, value);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"Orchestrator.Node: {expected}. Run 'Orchestrator.Node --help' for every switch.", run.Stderr.Trim());
    }
}
