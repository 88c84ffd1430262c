using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Topology.Tests.Files;

public sealed class TopologyFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>The schema exactly as the foundation issue gives it.</summary>
    private const string IssueExample = """
        host: storage-01
        cpu: { vendor: GenuineIntel, family: 6 }        # AuthenticAMD, family 25 = Zen 3
        hostBridges: [ { root: "0000:00", numaNode: 0 } ]
        functions:
          - { address: "0000:00:00.0", vendor: "8086", device: "2020", class: "060000", label: "Host bridge" }
          - { address: "0000:00:01.0", kind: rootPort, class: "060400" }
          - { address: "0000:01:00.0", parent: "0000:00:01.0", kind: switchUpstream, class: "060400" }
          - { address: "0000:02:00.0", parent: "0000:01:00.0", kind: switchDownstream, acsRedirect: true }
          - address: "0000:03:00.0"
            parent: "0000:02:00.0"
            class: "010802"
            label: NVMe A
            numaNode: 0
            link: { speed: 16.0, width: 4, maxSpeed: 16.0, maxWidth: 4 }   # GT/s, lanes
            p2pmem: { size: 67108864, available: 67108864, published: true }
          - { address: "0000:03:00.2", physfn: "0000:03:00.0" }            # a VF
        """;

    [Fact]
    public void The_issue_example_reads_exactly()
    {
        var t = TopologyFile.Parse(IssueExample, "storage-01.yaml");
        Assert.Equal("storage-01", t.Host);
        Assert.Equal(new CpuInfo("GenuineIntel", 6), t.Cpu);
        var bridge = Assert.Single(t.HostBridges);
        Assert.Equal((new PciBus(0, 0), 0, 0x8086, 0x2020, true), (bridge.Root, bridge.NumaNode, bridge.FirstVendor!.Value, bridge.FirstDevice!.Value, bridge.FirstIsEligible));
        Assert.Equal(6, t.Functions.Count);
        var nvme = t.Get("0000:03:00.0");
        Assert.Equal((DeviceKind.Endpoint, 0x010802, "NVMe A", 0), (nvme.Kind, nvme.ClassCode!.Value, nvme.Label, nvme.NumaNode));
        Assert.Equal(new LinkInfo(16.0, 4, 16.0, 4), nvme.Link);
        Assert.Equal(new P2pMem(67108864, 67108864, true), nvme.P2pMem);
        Assert.True(t.Get("0000:02:00.0").AcsRedirect);
        Assert.Equal(DeviceKind.SwitchDownstream, t.Get("0000:02:00.0").Kind);
        var vf = t.Get("0000:03:00.2");
        Assert.Equal(PciAddress.Parse("0000:03:00.0"), vf.PhysFn);
        Assert.Equal(PciAddress.Parse("0000:02:00.0"), vf.Parent);  // a VF without parent sits beside its PF
        Assert.Equal(KindSource.Declared, t.Get("0000:00:01.0").KindSource);
        Assert.Equal(KindSource.Inferred, t.Get("0000:00:00.0").KindSource);
    }

    [Theory]
    [InlineData("switch1")]
    [InlineData("two-switches")]
    [InlineData("switch1-debian-stock-6.1")]
    public void A_captured_host_round_trips_through_yaml_and_json(string capture)
    {
        var read = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        foreach (var name in new[] { "t.yaml", "t.json" })
        {
            var path = temp.Combine(name);
            TopologyFile.Write(read, path);
            var again = TopologyFile.Read(path);
            Assert.Equal(read.Host, again.Host);
            Assert.Equal(read.Cpu, again.Cpu);
            Assert.Equal(read.HostBridges, again.HostBridges);
            // The file keeps ACS as the redirect flag, not the raw control register.
            Assert.Equal(read.Functions.Select(f => f with { KindSource = KindSource.Declared, AcsControl = null }), again.Functions);
        }
    }

    /// <summary>
    /// PyYAML reads YAML 1.1: a plain <c>0000:00:00.0</c> is the sexagesimal float 0.0 and <c>060000</c> the octal 24576.
    /// The export quotes every string, so a YAML 1.1 reader sees our addresses and ids as the strings they are.
    /// </summary>
    [SkippableFact]
    public void An_export_reads_the_same_with_a_yaml_1_1_reader()
    {
        var python = new[] { "/usr/bin/python3", "/usr/local/bin/python3" }.FirstOrDefault(File.Exists);
        var hasYaml = python is not null && Run(python, "-c", "import yaml").ExitCode == 0;
        if (!hasYaml)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, "CI is set and python3 with PyYAML (python3-yaml) is missing");
            Skip.If(true, "needs python3 with PyYAML (Debian: python3-yaml), a YAML 1.1 reader");
        }
        var read = new SysfsReader(Fixtures.Sysfs("switch1")).Read();
        var path = temp.Combine("export.yaml");
        TopologyFile.Write(read, path);
        var script = "import sys, yaml, json\n"
            + "d = yaml.safe_load(open(sys.argv[1]))\n"
            + "print(json.dumps([[f.get(k) for k in ('address', 'parent', 'vendor', 'device', 'class')] for f in d['functions']]))";
        var (code, output) = Run(python!, "-c", script, path);
        Assert.True(code == 0, output);
        var seen = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement[][]>(output)!;
        Assert.Equal(read.Functions.Count, seen.Length);
        foreach (var (function, fields) in read.Functions.Zip(seen))
        {
            Assert.Equal(function.Address.ToString(), fields[0].GetString());
            Assert.Equal(function.Parent?.ToString(), fields[1].ValueKind == System.Text.Json.JsonValueKind.Null ? null : fields[1].GetString());
            Assert.All(fields.Skip(2), f => Assert.True(f.ValueKind is System.Text.Json.JsonValueKind.String or System.Text.Json.JsonValueKind.Null, $"{function.Address}: {f} is not a string"));
        }
        Assert.Contains(seen, f => f[4].GetString() == "060000");
    }

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [Theory]
    [InlineData("functions:\n  - { address: \"0000:zz:00.0\" }", "functions[0].address: '0000:zz:00.0' is not a PCI address")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\", parent: \"0000:00:09.0\" }", "0000:01:00.0 names parent 0000:00:09.0, which is not in the topology")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\" }\n  - { address: \"01:00.0\" }", "duplicate address 0000:01:00.0")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\", parent: \"0000:02:00.0\" }\n  - { address: \"0000:02:00.0\", parent: \"0000:01:00.0\" }", "parent cycle")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\", kind: gpu }", "functions[0] (0000:01:00.0).kind: 'gpu' is not one of endpoint, rcEndpoint, rootPort")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\", vendor: \"80866\" }", "functions[0] (0000:01:00.0).vendor: '80866' is not a hex id")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\", p2pmem: { size: 10, available: 20, published: true } }", "available ≤ size")]
    [InlineData("functions:\n  - { parent: \"0000:00:01.0\" }", "functions[0].address: missing")]
    [InlineData("hostBridges: [ { root: \"pci0000:gg\" } ]", "hostBridges[0].root: 'pci0000:gg' is not a PCI bus")]
    [InlineData("functions:\n  - { address: \"0000:01:00.0\"\n  - oops", "bad.yaml:")]
    [InlineData("functions: [ { address: 12, numaNode: many } ]", "bad.yaml:2:")]
    public void Bad_files_are_refused_naming_the_file_the_entry_and_the_value(string yaml, string message)
    {
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse("host: bad\n" + yaml, "bad.yaml"));
        Assert.StartsWith("bad.yaml", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_json_names_the_line()
    {
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse("{\n \"host\": \"x\",\n \"functions\": [ { \"address\": 5 } ]\n}", "bad.json"));
        Assert.StartsWith("bad.json:3:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_write_leaves_nothing_behind()
    {
        var read = new SysfsReader(Fixtures.Sysfs("switch1")).Read();
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Write(read, temp.Combine("no-such-dir", "t.yaml")));
        Assert.Contains("cannot write topology file", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }
}
