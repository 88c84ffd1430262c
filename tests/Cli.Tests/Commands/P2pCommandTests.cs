using System.Text.Json;

namespace Orchestrator.Cli.Tests.Commands;

public class P2pCommandTests
{
    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Check_json_has_the_documented_shape_for_a_compatible_pair()
    {
        var root = CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("switch1"), "--provider", "0000:03:00.0", "--client", "0000:05:00.0", "--client", "04:00.0", "--json").Json();
        Assert.Equal(["provider", "compatible", "distance", "clients"], Names(root));
        Assert.Equal("0000:03:00.0", root.GetProperty("provider").GetString());
        Assert.True(root.GetProperty("compatible").GetBoolean());
        Assert.Equal(8, root.GetProperty("distance").GetInt32());
        var client = root.GetProperty("clients")[0];
        Assert.Equal(["address", "mapType", "distance", "level", "reason", "acsHint"], Names(client));
        Assert.Equal("0000:05:00.0", client.GetProperty("address").GetString());
        Assert.Equal("BUS_ADDR", client.GetProperty("mapType").GetString());
        Assert.Equal(4, client.GetProperty("distance").GetInt32());
    }

    [Fact]
    public void Check_of_an_incompatible_pair_is_an_answer_with_exit_0()
    {
        var run = CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("two-switches"), "--provider", "03:00.0", "--client", "08:00.0", "--json");
        var root = run.Json();
        Assert.False(root.GetProperty("compatible").GetBoolean());
        Assert.Equal(-1, root.GetProperty("distance").GetInt32());
        var client = root.GetProperty("clients")[0];
        Assert.Equal("NOT_SUPPORTED", client.GetProperty("mapType").GetString());
        Assert.Contains("do not share an upstream bridge or whitelisted host bridge", client.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_cpu_override_and_the_operator_allow_list_change_the_verdict()
    {
        var zen = CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("two-switches"), "--provider", "03:00.0", "--client", "08:00.0", "--cpu", "amd-zen", "--json").Json();
        Assert.Equal("THRU_HOST_BRIDGE", zen.GetProperty("clients")[0].GetProperty("mapType").GetString());
        var allowed = CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("two-switches"), "--provider", "03:00.0", "--client", "08:00.0", "--allow", "8086:29c0", "--json").Json();
        Assert.Equal("THRU_HOST_BRIDGE", allowed.GetProperty("clients")[0].GetProperty("mapType").GetString());
        Assert.Contains("silent data corruption", allowed.GetProperty("clients")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Find_json_has_the_documented_shape()
    {
        var root = CliRun.Of("p2p", "find", "--sysfs", CliRun.Sysfs("switch1"), "--client", "05:00.0", "--seed", "3", "--json").Json();
        Assert.Equal(["policy", "provider", "distance", "ties", "candidates"], Names(root));
        Assert.Equal("kernel", root.GetProperty("policy").GetString());
        Assert.Equal(4, root.GetProperty("distance").GetInt32());
        var ties = root.GetProperty("ties").EnumerateArray().Select(t => t.GetString()).ToList();
        Assert.Equal(["0000:03:00.0", "0000:04:00.0"], ties);
        Assert.Contains(root.GetProperty("provider").GetString(), ties);
        var candidate = root.GetProperty("candidates")[0];
        Assert.Equal(["provider", "distance", "compatible", "reason"], Names(candidate));
    }

    [Fact]
    public void Find_with_the_same_seed_answers_the_same()
    {
        string Provider(string seed) => CliRun.Of("p2p", "find", "--sysfs", CliRun.Sysfs("switch1"), "--client", "05:00.0", "--seed", seed, "--json").Json().GetProperty("provider").GetString()!;
        var chosen = Enumerable.Range(0, 20).Select(s => Provider(s.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.Equal(chosen, Enumerable.Range(0, 20).Select(s => Provider(s.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(2, chosen.Distinct().Count());
    }

    [Fact]
    public void Find_without_a_provider_prints_null()
    {
        var root = CliRun.Of("p2p", "find", "--sysfs", CliRun.Sysfs("switch1-debian-stock-6.1"), "--client", "05:00.0", "--json").Json();
        Assert.Equal(JsonValueKind.Null, root.GetProperty("provider").ValueKind);
        Assert.Equal(-1, root.GetProperty("distance").GetInt32());
        Assert.Equal(0, root.GetProperty("candidates").GetArrayLength());
    }

    [Fact]
    public void Find_rfc2017_takes_the_first_provider_behind_the_clients_switch()
    {
        var root = CliRun.Of("p2p", "find", "--sysfs", CliRun.Sysfs("two-switches"), "--client", "08:00.0", "--policy", "rfc2017", "--json").Json();
        Assert.Equal("rfc2017", root.GetProperty("policy").GetString());
        Assert.Equal("0000:07:00.0", root.GetProperty("provider").GetString());
    }

    [Theory]
    [InlineData("--client", "0000:42:00.0", "unknown device 0000:42:00.0 on host 'switch1'")]
    [InlineData("--client", "0000:zz:00.0", "'0000:zz:00.0' is not a PCI address")]
    public void An_unknown_or_malformed_client_exits_1_naming_it(string option, string value, string message)
    {
        var run = CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("switch1"), "--provider", "03:00.0", option, value);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains(message, run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_without_a_client_is_bad_usage()
    {
        Assert.Equal(2, CliRun.Of("p2p", "check", "--sysfs", CliRun.Sysfs("switch1"), "--provider", "03:00.0").ExitCode);
        Assert.Equal(2, CliRun.Of("p2p", "find", "--sysfs", CliRun.Sysfs("switch1"), "--client", "05:00.0", "--policy", "fastest").ExitCode);
    }
}
