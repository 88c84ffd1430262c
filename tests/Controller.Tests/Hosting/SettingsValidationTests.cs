using Microsoft.Extensions.Options;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>A bad setting stops the controller before anything starts, with one line naming the setting and the value.</summary>
public sealed class SettingsValidationTests
{
    private static readonly string[] Args = ["--urls", "http://127.0.0.1:0"];

    public static TheoryData<string, ControllerOptions, string> BadSettings => new()
    {
        { "remoting port 0", new() { Port = 0 }, "Orchestrator:Controller:Port is 0: expected a port from 1 to 65535" },
        { "remoting port 65536", new() { Port = 65536 }, "Orchestrator:Controller:Port is 65536: expected a port from 1 to 65535" },
        { "snapshot every 0 events", new() { SnapshotEvery = 0 }, "Orchestrator:Controller:SnapshotEvery is 0: expected a positive number of events" },
        { "node timeout 0", new() { NodeTimeout = TimeSpan.Zero }, "Orchestrator:Controller:NodeTimeout is 00:00:00: expected a positive time span such as 00:00:05" },
        { "negative ask timeout", new() { Api = new() { AskTimeout = TimeSpan.FromSeconds(-1) } }, "Orchestrator:Api:AskTimeout is -00:00:01: expected a positive time span such as 00:00:05" },
        {
            "ask timeout no longer than the node timeout",
            new() { NodeTimeout = TimeSpan.FromSeconds(5), Api = new() { AskTimeout = TimeSpan.FromSeconds(5) } },
            "Orchestrator:Api:AskTimeout is 00:00:05: expected longer than Orchestrator:Controller:NodeTimeout (00:00:05): a placement may take several node round trips, each up to NodeTimeout"
        },
        { "no request body", new() { Api = new() { MaxBodyBytes = 0 } }, "Orchestrator:Api:MaxBodyBytes is 0: expected a positive number of bytes" },
        { "simulated hosts never re-register", new() { AllInOne = new AllInOneOptions { RegisterEvery = TimeSpan.Zero } }, "Orchestrator:AllInOne:RegisterEvery is 00:00:00: expected a positive time span such as 00:00:05" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_bad_value_stops_the_build_naming_the_setting_and_the_value(string @case, ControllerOptions options, string failure)
    {
        var e = Assert.Throws<OptionsValidationException>(() => ControllerHost.Build(Args, options));
        Assert.True(e.Failures.SequenceEqual([failure]), $"{@case}: {string.Join(" | ", e.Failures)}");
    }

    [Fact]
    public void The_defaults_pass()
    {
        new ControllerOptions().Validate();
        ControllerOptions.From(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()).Validate();
    }

    [Fact]
    public void Settings_read_from_switches_and_keys_are_checked_and_every_bad_one_is_named()
    {
        var e = Assert.Throws<OptionsValidationException>(() => ControllerHost.Build(
            [.. Args, "--node-timeout", "00:00:30", "--Orchestrator:Api:AskTimeout", "00:00:10", "--snapshot-every=-3"]));
        Assert.Equal(
            [
                "Orchestrator:Controller:SnapshotEvery is -3: expected a positive number of events",
                "Orchestrator:Api:AskTimeout is 00:00:10: expected longer than Orchestrator:Controller:NodeTimeout (00:00:30): a placement may take several node round trips, each up to NodeTimeout",
            ],
            e.Failures);
    }

    [Fact]
    public async Task The_process_exits_2_with_one_line_and_starts_nothing()
    {
        using var data = new TempDirectory();
        var run = await DotnetRun.RunAsync("Orchestrator.Controller.dll", data.Path,
            "--node-timeout", "0", "--urls", "http://127.0.0.1:0", "--port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data.Combine("data"));
        Assert.True(run.ExitCode == 2, $"exit {run.ExitCode}: {string.Join('\n', run.Lines)} {run.Stderr}");
        var line = Assert.Single(run.Lines);
        Assert.EndsWith("bad setting: Orchestrator:Controller:NodeTimeout is 00:00:00: expected a positive time span such as 00:00:05", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.Combine("data")), "the journal folder was created");
    }

    [Fact]
    public async Task An_unknown_switch_is_exit_2_with_the_nearest_known_one()
    {
        using var data = new TempDirectory();
        var run = await DotnetRun.RunAsync("Orchestrator.Controller.dll", data.Path, "--tokens", "abc");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Orchestrator.Controller: unknown switch '--tokens' (did you mean --token?). Run 'Orchestrator.Controller --help' for every switch.", run.Stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task Help_lists_the_switches_with_their_environment_variables()
    {
        using var data = new TempDirectory();
        var run = await DotnetRun.RunAsync("Orchestrator.Controller.dll", data.Path, "--help");
        Assert.Equal(0, run.ExitCode);
        var text = string.Join('\n', run.Lines);
        Assert.Contains("--token <token>", text, StringComparison.Ordinal);
        Assert.Contains("Orchestrator__Api__Token", text, StringComparison.Ordinal);
        Assert.Contains("--urls <url>", text, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(data.Path));
    }

    [Fact]
    public async Task A_rest_port_in_use_stops_the_start_with_one_line_naming_the_holder()
    {
        using var data = new TempDirectory();
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var port = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port;
        var run = await DotnetRun.RunAsync("Orchestrator.Controller.dll", data.Path,
            "--urls", $"http://127.0.0.1:{port}", "--port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", data.Combine("data"));
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}: {string.Join('\n', run.Lines)} {run.Stderr}");
        var line = Assert.Single(run.Lines);
        Assert.Contains($"port {port} on 127.0.0.1 (the REST API, --urls) is in use by process {Environment.ProcessId} (", line, StringComparison.Ordinal);
        Assert.EndsWith(": stop it, or choose another port", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.Combine("data")), "the journal folder was created");
    }
}
