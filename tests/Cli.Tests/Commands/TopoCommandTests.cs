using System.Text.Json;

namespace Orchestrator.Cli.Tests.Commands;

public sealed class TopoCommandTests : IDisposable
{
    private readonly string temp = Path.Combine(Path.GetTempPath(), "p2pctl-" + Guid.NewGuid().ToString("N")[..10]);

    public TopoCommandTests() => Directory.CreateDirectory(temp);

    public void Dispose() => Directory.Delete(temp, recursive: true);

    private static string[] Names(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Tree_json_has_the_documented_shape()
    {
        var root = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("switch1"), "--json").Json();
        Assert.Equal(["host", "cpu", "hostBridges", "functions", "diagnostics"], Names(root));
        Assert.Equal("switch1", root.GetProperty("host").GetString());
        Assert.Equal(["vendor", "family"], Names(root.GetProperty("cpu")));
        var bridge = Assert.Single(root.GetProperty("hostBridges").EnumerateArray());
        Assert.Equal("0000:00", bridge.GetProperty("root").GetString());
        Assert.Equal(-1, bridge.GetProperty("numaNode").GetInt32());

        var functions = root.GetProperty("functions").EnumerateArray().ToList();
        Assert.Equal(13, functions.Count);
        var nvme = functions.Single(f => f.GetProperty("address").GetString() == "0000:03:00.0");
        foreach (var field in new[] { "address", "parent", "kind", "vendor", "device", "class", "label", "numaNode", "acsRedirect", "p2pmem" })
        {
            Assert.True(nvme.TryGetProperty(field, out _), $"function lacks '{field}'");
        }
        Assert.Equal("0000:02:00.0", nvme.GetProperty("parent").GetString());
        Assert.Equal("endpoint", nvme.GetProperty("kind").GetString());
        Assert.Equal("1b36", nvme.GetProperty("vendor").GetString());
        Assert.Equal("0010", nvme.GetProperty("device").GetString());
        Assert.Equal("010802", nvme.GetProperty("class").GetString());
        var pool = nvme.GetProperty("p2pmem");
        Assert.Equal((67108864L, 66977792L, true), (pool.GetProperty("size").GetInt64(), pool.GetProperty("available").GetInt64(), pool.GetProperty("published").GetBoolean()));
        var nic = functions.Single(f => f.GetProperty("address").GetString() == "0000:05:00.0");
        Assert.Equal(JsonValueKind.Null, nic.GetProperty("p2pmem").ValueKind);
        var rootPort = functions.Single(f => f.GetProperty("address").GetString() == "0000:00:02.0");
        Assert.True(rootPort.GetProperty("acsRedirect").GetBoolean());
        Assert.Equal("rootPort", rootPort.GetProperty("kind").GetString());

        var diagnostic = Assert.Single(root.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal(["source", "message"], Names(diagnostic));
    }

    [Fact]
    public void Tree_text_annotates_kinds_acs_and_pools()
    {
        var run = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("switch1"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("0000:00:02.0 rootPort", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("ACS-redirect", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("0000:03:00.0 endpoint nvme0  NVMe controller [1b36:0010] p2pmem 64 MiB (63.9 MiB available, published)", run.Stdout, StringComparison.Ordinal);
        Assert.Contains("cpuinfo", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tree_from_an_lspci_paste_with_numa_and_cpu_override()
    {
        var root = CliRun.Of("topo", "tree", "--lspci", CliRun.Lspci("lenovo-sd665n-v3-h100.lspci-t-vvv.txt"), "--numa", "0000:00=0,0000:c0=1", "--cpu", "amd-zen", "--json").Json();
        Assert.Equal("AuthenticAMD", root.GetProperty("cpu").GetProperty("vendor").GetString());
        var nic = root.GetProperty("functions").EnumerateArray().Single(f => f.GetProperty("address").GetString() == "0000:c3:00.0");
        Assert.Equal(1, nic.GetProperty("numaNode").GetInt32());
        Assert.Equal("0000:c2:00.0", nic.GetProperty("parent").GetString());
        Assert.Equal(8, root.GetProperty("hostBridges").GetArrayLength());
    }

    [Fact]
    public void Matrix_json_lists_levels_for_every_endpoint_by_default()
    {
        var root = CliRun.Of("topo", "matrix", "--sysfs", CliRun.Sysfs("two-switches"), "--json").Json();
        var devices = root.GetProperty("devices").EnumerateArray().Select(d => d.GetString()).ToList();
        Assert.Contains("0000:03:00.0", devices);
        Assert.DoesNotContain("0000:00:02.0", devices);  // a root port is not an endpoint
        var levels = root.GetProperty("levels").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetString()).ToList()).ToList();
        Assert.Equal(devices.Count, levels.Count);
        int I(string a) => devices.IndexOf(a);
        Assert.Equal("X", levels[I("0000:03:00.0")][I("0000:03:00.0")]);
        Assert.Equal("PIX", levels[I("0000:03:00.0")][I("0000:04:00.0")]);
        Assert.Equal("PHB", levels[I("0000:03:00.0")][I("0000:08:00.0")]);
    }

    [Fact]
    public void Matrix_with_named_devices()
    {
        var root = CliRun.Of("topo", "matrix", "--sysfs", CliRun.Sysfs("switch1"), "--devices", "03:00.0,05:00.0", "--json").Json();
        Assert.Equal(["0000:03:00.0", "0000:05:00.0"], root.GetProperty("devices").EnumerateArray().Select(d => d.GetString()!).ToArray());
        Assert.Equal("PIX", root.GetProperty("levels")[0][1].GetString());
        Assert.Equal("BUS_ADDR", root.GetProperty("mapTypes")[0][1].GetString());
    }

    [Fact]
    public void Export_then_tree_round_trips()
    {
        var file = Path.Combine(temp, "two.yaml");
        var export = CliRun.Of("topo", "export", "--sysfs", CliRun.Sysfs("two-switches"), "--out", file);
        Assert.Equal(0, export.ExitCode);
        var fromSysfs = CliRun.Of("topo", "tree", "--sysfs", CliRun.Sysfs("two-switches"), "--json").Json();
        var fromFile = CliRun.Of("topo", "tree", "--topology", file, "--json").Json();
        Assert.Equal(fromSysfs.GetProperty("functions").ToString(), fromFile.GetProperty("functions").ToString());
        Assert.Equal(fromSysfs.GetProperty("hostBridges").ToString(), fromFile.GetProperty("hostBridges").ToString());
    }

    [Theory]
    [InlineData("topo", "tree")]
    [InlineData("topo", "tree", "--sysfs", "a", "--topology", "b")]
    [InlineData("topo", "tree", "--sysfs", "a", "--numa", "0000:00=0")]
    [InlineData("topo", "tree", "--sysfs", "a", "--cpu", "sparc")]
    [InlineData("topo", "frobnicate")]
    [InlineData("topo", "export", "--sysfs", "a")]
    public void Bad_usage_exits_2_with_a_message(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("p2pctl: ", run.Stderr, StringComparison.Ordinal);
        Assert.Empty(run.Stdout);
    }

    [Fact]
    public void Bad_input_exits_1_with_one_line_naming_it()
    {
        var paste = Path.Combine(temp, "cut.txt");
        File.WriteAllText(paste, "-+-[0000:00]-+-00.0  Host bridge\n             +-01.0-[0");
        var run = CliRun.Of("topo", "tree", "--lspci", paste);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cut.txt", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("line 2", run.Stderr, StringComparison.Ordinal);
        Assert.Single(run.Stderr.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);

        var numa = CliRun.Of("topo", "tree", "--lspci", CliRun.Lspci("gigabyte-e251-u70-excerpt.lspci-tv.txt"), "--numa", "b2:one");
        Assert.Equal(1, numa.ExitCode);
        Assert.Contains("'b2:one'", numa.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_to_an_unwritable_place_exits_1_and_writes_nothing()
    {
        var run = CliRun.Of("topo", "export", "--sysfs", CliRun.Sysfs("switch1"), "--out", Path.Combine(temp, "missing", "x.yaml"));
        Assert.Equal(1, run.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(temp));
    }
}
