using Microsoft.Extensions.Options;
using Orchestrator.Node.Hosting;
using Orchestrator.Tests.Shared;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>A bad setting stops the node before it reads its host or journal, with one line naming the setting and the value.</summary>
public sealed class SettingsValidationTests
{
    public static TheoryData<string, NodeOptions, string> BadSettings => new()
    {
        { "negative port", new() { Port = -1 }, "Orchestrator:Node:Port is -1: expected 0 (any free port) or a port from 1 to 65535" },
        { "port 70000", new() { Port = 70000 }, "Orchestrator:Node:Port is 70000: expected 0 (any free port) or a port from 1 to 65535" },
        { "snapshot every 0 events", new() { SnapshotEvery = 0 }, "Orchestrator:Node:SnapshotEvery is 0: expected a positive number of events" },
        { "never re-register", new() { RegisterEvery = TimeSpan.FromSeconds(-30) }, "Orchestrator:Node:RegisterEvery is -00:00:30: expected a positive time span such as 00:00:05" },
        { "blank host name", new() { Host = " " }, "Orchestrator:Node:Host: host ' ' is blank: expected 1 to 253 printable characters" },
        { "health without a scheme", new() { Health = "0.0.0.0:4064" }, HealthExpected("0.0.0.0:4064") },
        { "health over https", new() { Health = "https://0.0.0.0:4064" }, HealthExpected("https://0.0.0.0:4064") },
        { "health with a path", new() { Health = "http://0.0.0.0:4064/health" }, HealthExpected("http://0.0.0.0:4064/health") },
    };

    private static string HealthExpected(string value)
        => $"Orchestrator:Node:Health is {value}: expected an http:// URL to listen on, such as http://0.0.0.0:4064 (port 0 picks a free one)";

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_value_stops_the_build_before_discovery(string @case, NodeOptions options, string failure)
    {
        // A topology file that does not exist: discovery would fail differently, so the settings were checked first.
        options.Topology = "/nonexistent/topology.yaml";
        var e = Assert.Throws<OptionsValidationException>(() => NodeHost.Build(options));
        Assert.True(e.Failures.SequenceEqual([failure]), $"{@case}: {string.Join(" | ", e.Failures)}");
    }

    [Fact]
    public void The_defaults_pass() => new NodeOptions().Validate();

    [Fact]
    public async Task The_process_exits_2_with_one_line_and_writes_no_journal()
    {
        using var temp = new TempDirectory();
        var journal = temp.Combine("node.db");
        var run = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, "--journal", journal, "--snapshot-every", "0");
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {string.Join('\n', run.Lines)} {run.Stderr}");
        var line = Assert.Single(run.Lines);
        Assert.EndsWith("bad setting: Orchestrator:Node:SnapshotEvery is 0: expected a positive number of events", line, StringComparison.Ordinal);
        Assert.False(File.Exists(journal));
    }
}
