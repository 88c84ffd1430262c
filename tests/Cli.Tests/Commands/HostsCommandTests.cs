using System.Text.Json;
using Orchestrator.Cli.Tests.Remote;

namespace Orchestrator.Cli.Tests.Commands;

public sealed class HostsCommandTests(ControllerFixture controller) : IClassFixture<ControllerFixture>
{
    [Fact]
    public void Hosts_lists_every_registered_host_as_a_table()
    {
        var run = controller.Run("hosts");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["HOST", "STATUS", "CPU", "DRAINED", "POOLS", "AVAILABLE", "CAPACITY"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(ControllerFixture.Hosts, lines[1..].Select(l => l.Split(' ')[0]));
        // storage-01: three CMBs of 256, 256 and 128 MiB, less what the kernel already handed out.
        var first = lines[1];
        Assert.Contains(" up ", first, StringComparison.Ordinal);
        Assert.Contains("GenuineIntel family 6", first, StringComparison.Ordinal);
        Assert.EndsWith("639.6 MiB   639.6 MiB", first, StringComparison.Ordinal);
        Assert.Matches(@"\sno\s+3\s", first);
    }

    [Fact]
    public void Drain_and_undrain_a_host_or_one_provider()
    {
        var drained = controller.Run("hosts", "drain", "storage-02");
        Assert.True(drained.ExitCode == 0, drained.Stderr);
        Assert.Equal("host storage-02 drained: no new placements\n", drained.Stdout);
        Assert.True(controller.Run("hosts", "--json").Json().EnumerateArray().Single(h => h.GetProperty("host").GetString() == "storage-02").GetProperty("drained").GetBoolean());
        Assert.Equal("host storage-02 undrained: placements allowed\n", controller.Run("hosts", "undrain", "storage-02").Stdout);

        var provider = controller.Run("hosts", "show", "storage-02", "--json").Json().GetProperty("pools")[0].GetProperty("provider").GetString()!;
        Assert.Equal($"provider {provider} of storage-02 drained: no new placements\n", controller.Run("hosts", "drain", "storage-02", "--provider", provider).Stdout);
        Assert.Contains(provider, controller.Run("hosts", "--json").Json().EnumerateArray().Single(h => h.GetProperty("host").GetString() == "storage-02")
            .GetProperty("drainedProviders").EnumerateArray().Select(p => p.GetString()));
        Assert.Equal(0, controller.Run("hosts", "undrain", "storage-02", "--provider", provider).ExitCode);

        var unknown = controller.Run("hosts", "drain", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("p2pctl: 404", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_json_is_the_controllers_list()
    {
        var root = controller.Run("hosts", "--json").Json();
        Assert.Equal(JsonValueKind.Array, root.ValueKind);
        var hosts = root.EnumerateArray().ToList();
        Assert.Equal(ControllerFixture.Hosts, hosts.Select(h => h.GetProperty("host").GetString()).Order(StringComparer.Ordinal));
        var one = hosts.Single(h => h.GetProperty("host").GetString() == "storage-01");
        Assert.Equal("up", one.GetProperty("status").GetString());
        Assert.Equal(3, one.GetProperty("pools").GetArrayLength());
    }

    [Fact]
    public void Hosts_show_prints_one_host_with_its_pools()
    {
        var run = controller.Run("hosts", "show", "storage-01");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("host     storage-01", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("PROVIDER", run.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\n0000:04:00\.0  255\.9 MiB  +255\.9 MiB  +255\.9 MiB  +0  +no\n", run.Stdout);
        Assert.Equal("storage-01", controller.Run("hosts", "show", "storage-01", "--json").Json().GetProperty("host").GetString());
        var before = CliRun.Of("hosts", "--server", controller.Url, "--json", "show", "storage-02");
        Assert.Equal("storage-02", before.Json().GetProperty("host").GetString());
    }

    [Fact]
    public void An_unknown_host_is_one_line_with_the_status_and_exit_1()
    {
        var line = OneLine.Failure(controller.Run("hosts", "show", "nope"), 1);
        Assert.Equal("p2pctl: 404 Not found: unknown host 'nope'", line);
    }
}
