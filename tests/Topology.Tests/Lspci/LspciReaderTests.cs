using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Lspci;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Tests.Lspci;

public class LspciReaderTests
{
    private const string Gigabyte = "gigabyte-e251-u70-excerpt.lspci-tv.txt";
    private const string Aws = "aws-p5en-excerpt.lspci-tv.txt";
    private const string Lenovo = "lenovo-sd665n-v3-h100.lspci-t-vvv.txt";

    private static HostTopology ReadFixture(string name, IReadOnlyDictionary<PciBus, int>? numa = null)
        => LspciReader.ReadFile(Fixtures.Lspci(name), null, CpuInfo.Unknown, numa);

    private static HostTopology Parse(string text, IReadOnlyDictionary<PciBus, int>? numa = null)
        => LspciReader.Parse(text, "paste.txt", "host1", CpuInfo.Unknown, numa);

    /// <summary>Every function as (address, kind, parent), in address order.</summary>
    private static List<(string Address, string Kind, string? Parent)> Shape(HostTopology topology)
        => topology.Functions.Select(f => (f.Address.ToString(), f.Kind.ToWire(), f.Parent?.ToString())).ToList();

    private static PciAddress A(string address) => PciAddress.Parse(address);

    // ---- gigabyte: one switch under one root port, a 3-line excerpt under host bridge 0000:b2 ----

    [Fact]
    public void Gigabyte_ExactFunctions()
    {
        var topology = ReadFixture(Gigabyte);

        Assert.Equal(
            [
                ("0000:b2:00.0", "rootPort", null),
                ("0000:b3:00.0", "switchUpstream", "0000:b2:00.0"),
                ("0000:b4:08.0", "switchDownstream", "0000:b3:00.0"),
                ("0000:b4:10.0", "switchDownstream", "0000:b3:00.0"),
                ("0000:b5:00.0", "endpoint", "0000:b4:08.0"),
                ("0000:b5:00.1", "endpoint", "0000:b4:08.0"),
                ("0000:b6:00.0", "endpoint", "0000:b4:10.0"),
            ],
            Shape(topology));
        Assert.Equal(7, topology.Functions.Count);
        Assert.All(topology.Functions, f => Assert.Equal(KindSource.Inferred, f.KindSource));
    }

    [Fact]
    public void Gigabyte_LabelsClassesAndHost()
    {
        var topology = ReadFixture(Gigabyte);

        Assert.Equal("gigabyte-e251-u70-excerpt.lspci-tv", topology.Host);
        Assert.Equal("Mellanox Technologies MT28841", topology.Get("b5:00.0").Label);
        Assert.Equal("Mellanox Technologies MT28841", topology.Get("b5:00.1").Label);
        Assert.Contains("Tesla V100", topology.Get("b6:00.0").Label, StringComparison.Ordinal);
        Assert.Equal("NVIDIA Corporation GV100GL [Tesla V100 PCIe 32GB]", topology.Get("b6:00.0").Label);
        foreach (var bridge in new[] { "b2:00.0", "b3:00.0", "b4:08.0", "b4:10.0" })
        {
            Assert.Equal(0x060400, topology.Get(bridge).ClassCode);
            Assert.Null(topology.Get(bridge).Label);
        }
        Assert.All(topology.Functions, f => Assert.Null(f.Vendor));
        Assert.All(topology.Functions, f => Assert.Equal(-1, f.NumaNode));
        var bridgeOfTree = Assert.Single(topology.HostBridges);
        Assert.Equal(new PciBus(0, 0xb2), bridgeOfTree.Root);
    }

    [Fact]
    public void Gigabyte_ReportsTheListsTheExcerptLeavesOpen()
    {
        var topology = ReadFixture(Gigabyte);

        // The excerpt stops before the '\-' of the root list and of the list under 0000:b2.
        Assert.Equal(2, topology.Diagnostics.Count);
        Assert.All(topology.Diagnostics, d => Assert.Equal(Fixtures.Lspci(Gigabyte), d.Source));
        Assert.Contains(topology.Diagnostics, d => d.Message.Contains("line 1, column 2", StringComparison.Ordinal));
        Assert.Contains(topology.Diagnostics, d => d.Message.Contains("line 1, column 14", StringComparison.Ordinal)
                                                   && d.Message.Contains("root bus 0000:b2", StringComparison.Ordinal));
    }

    [Fact]
    public void Gigabyte_IndentedWithCrLfAndAPrompt_GivesTheSameTree()
    {
        var plain = ReadFixture(Gigabyte);
        var lines = File.ReadAllLines(Fixtures.Lspci(Gigabyte));
        var text = "  $ lspci -tv\r\n" + string.Concat(lines.Select(l => "  " + l + "\r\n")) + "\r\n  $ \r\n";

        var indented = Parse(text);

        Assert.Equal(Shape(plain), Shape(indented));
        Assert.Equal(plain.Functions.Select(f => f.Label), indented.Functions.Select(f => f.Label));
        Assert.Contains(indented.Diagnostics, d => d.Message.StartsWith("skipped line 1: not part of the tree", StringComparison.Ordinal));
        Assert.Contains(indented.Diagnostics, d => d.Message == "skipped line 5: blank");
        Assert.Contains(indented.Diagnostics, d => d.Message.StartsWith("skipped line 6: not part of the tree", StringComparison.Ordinal));
    }

    // ---- aws p5en: a switch with 22 downstream ports, every line indented by 4 ----

    [Fact]
    public void Aws_ExactFunctions()
    {
        var topology = ReadFixture(Aws);

        var expected = new List<(string Address, string Kind, string? Parent)>
        {
            ("0000:44:00.0", "rootPort", null),
            ("0000:45:00.0", "switchUpstream", "0000:44:00.0"),
        };
        var empty = Enumerable.Range(0x4b, 10).ToHashSet();
        for (var i = 0; i < 22; i++)
        {
            var port = new PciAddress(0, 0x46, i / 8, i % 8);
            expected.Add((port.ToString(), "switchDownstream", "0000:45:00.0"));
            var secondary = 0x47 + i;
            if (!empty.Contains(secondary))
            {
                expected.Add((new PciAddress(0, secondary, 0, 0).ToString(), "endpoint", port.ToString()));
            }
        }
        expected.Sort((a, b) => A(a.Address).CompareTo(A(b.Address)));

        Assert.Equal(expected, Shape(topology));
        Assert.Equal(36, topology.Functions.Count);
        Assert.Equal(22, topology.Functions.Count(f => f.Kind == DeviceKind.SwitchDownstream));
        Assert.Equal(10, topology.Functions.Count(f => f.Kind == DeviceKind.SwitchDownstream && !topology.ChildrenOf(f.Address).Any()));
        Assert.Equal(12, topology.Functions.Count(f => f.Kind == DeviceKind.Endpoint));
    }

    [Fact]
    public void Aws_LabelsAndParents()
    {
        var topology = ReadFixture(Aws);

        Assert.Equal("NVIDIA Corporation GH100 [H200 SXM 141GB]", topology.Get("59:00.0").Label);
        Assert.Equal("NVIDIA Corporation GH100 [H200 SXM 141GB]", topology.Get("5a:00.0").Label);
        Assert.Equal(A("46:02.2"), topology.Get("59:00.0").Parent);
        Assert.Equal(A("46:02.3"), topology.Get("5a:00.0").Parent);
        Assert.Equal("Amazon.com, Inc. NVMe SSD Controller", topology.Get("5b:00.0").Label);
        Assert.Equal("Amazon.com, Inc. NVMe SSD Controller", topology.Get("5c:00.0").Label);
        Assert.Equal(A("46:02.4"), topology.Get("5b:00.0").Parent);
        Assert.Equal(A("46:02.5"), topology.Get("5c:00.0").Parent);
        Assert.Equal(4, topology.Functions.Count(f => f.Label == "Amazon.com, Inc. Elastic Network Adapter (ENA)"));
        Assert.Equal(4, topology.Functions.Count(f => f.Label == "Amazon.com, Inc. Elastic Fabric Adapter (EFA)"));
        Assert.Equal(new PciBus(0, 0x44), Assert.Single(topology.HostBridges).Root);
    }

    [Fact]
    public void Aws_SkipsTheIndentedCommandLine()
    {
        var topology = ReadFixture(Aws);

        Assert.Equal("skipped line 1: not part of the tree ('$ lspci -tv')", topology.Diagnostics[0].Message);
        Assert.DoesNotContain(topology.Diagnostics, d => d.Message.Contains("line 2", StringComparison.Ordinal)
                                                         && d.Message.StartsWith("skipped", StringComparison.Ordinal));
    }

    // ---- Lenovo SD665-N V3: 8 host bridges, ConnectX-7 switch in front of NIC and GPU ----

    [Fact]
    public void Lenovo_HostBridgesAndCounts()
    {
        var topology = ReadFixture(Lenovo);

        Assert.Equal(
            new[] { 0x00, 0x20, 0x40, 0x60, 0x80, 0xa0, 0xc0, 0xe0 }.Select(b => new PciBus(0, b)),
            topology.HostBridges.Select(b => b.Root));
        Assert.All(topology.HostBridges, b => Assert.Equal(new PciAddress(0, b.Root.Bus, 0, 0), b.FirstFunction));
        Assert.Equal(163, topology.Functions.Count);
        Assert.Equal(39, topology.Functions.Count(f => f.ClassCode == 0x060400));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x20)]
    [InlineData(0xa0)]
    [InlineData(0xc0)]
    public void Lenovo_ConnectX7SwitchInFrontOfNicAndGpu(int root)
    {
        var topology = ReadFixture(Lenovo);
        string At(int busOffset, int device) => new PciAddress(0, root + busOffset, device, 0).ToString();
        var rootPort = new PciAddress(0, root, 1, 1).ToString();

        var expected = new List<(string Address, string Kind, string? Parent)>
        {
            (rootPort, "rootPort", null),
            (At(1, 0), "switchUpstream", rootPort),
            (At(2, 0), "switchDownstream", At(1, 0)),
            (At(2, 2), "switchDownstream", At(1, 0)),
            (At(3, 0), "endpoint", At(2, 0)),
            (At(4, 0), "switchUpstream", At(2, 2)),
            (At(5, 0), "switchDownstream", At(4, 0)),
            (At(6, 0), "endpoint", At(5, 0)),
        };
        var under = Shape(topology).Where(f => f.Address == rootPort || A(f.Address).Bus is var b && b > root && b <= root + 6);

        Assert.Equal(expected, under);
        Assert.Equal("Mellanox Technologies MT2910 Family [ConnectX-7]", topology.Get(At(3, 0)).Label);
        Assert.Equal("NVIDIA Corporation GH100 [H100 SXM5 80GB]", topology.Get(At(6, 0)).Label);
    }

    [Fact]
    public void Lenovo_C0Chain()
    {
        var topology = ReadFixture(Lenovo);

        Assert.Equal(DeviceKind.RootPort, topology.Get("c0:01.1").Kind);
        Assert.Equal(DeviceKind.SwitchUpstream, topology.Get("c1:00.0").Kind);
        Assert.Equal(A("c0:01.1"), topology.Get("c1:00.0").Parent);
        Assert.Equal(DeviceKind.SwitchDownstream, topology.Get("c2:00.0").Kind);
        Assert.Equal(DeviceKind.SwitchDownstream, topology.Get("c2:02.0").Kind);
        Assert.Equal(A("c2:00.0"), topology.Get("c3:00.0").Parent);
        Assert.Contains("ConnectX-7", topology.Get("c3:00.0").Label, StringComparison.Ordinal);
        Assert.Equal(DeviceKind.SwitchUpstream, topology.Get("c4:00.0").Kind);
        Assert.Equal(A("c2:02.0"), topology.Get("c4:00.0").Parent);
        Assert.Equal(DeviceKind.SwitchDownstream, topology.Get("c5:00.0").Kind);
        Assert.Equal(A("c5:00.0"), topology.Get("c6:00.0").Parent);
        Assert.Contains("H100", topology.Get("c6:00.0").Label, StringComparison.Ordinal);
        Assert.Equal(DeviceKind.Endpoint, topology.Get("c6:00.0").Kind);
    }

    [Fact]
    public void Lenovo_RootPortNamesWithoutBusRangeAreEndpoints()
    {
        var topology = ReadFixture(Lenovo);

        var named = topology.Functions.Where(f => f.Label == "Lenovo Device 781d").ToList();
        Assert.Equal(48, named.Count);
        Assert.All(named, f =>
        {
            Assert.Equal(DeviceKind.Endpoint, f.Kind);
            Assert.Null(f.Parent);
            Assert.Null(f.ClassCode);
        });
    }

    [Fact]
    public void Lenovo_EmptyBridgeAndOtherBridges()
    {
        var topology = ReadFixture(Lenovo);

        Assert.Equal(DeviceKind.RootPort, topology.Get("60:01.3").Kind); // '-[62]--': no child
        Assert.Empty(topology.ChildrenOf(A("60:01.3")));
        Assert.Equal(DeviceKind.SwitchUpstream, topology.Get("63:00.0").Kind);
        Assert.Equal("ASPEED Technology, Inc. ASPEED Graphics Family", topology.Get("64:00.0").Label);
        Assert.Equal(A("63:00.0"), topology.Get("64:00.0").Parent);
        Assert.Equal(
            ["0000:08:00.0", "0000:08:00.1", "0000:08:00.4", "0000:08:00.5"],
            topology.ChildrenOf(A("00:07.1")).Select(f => f.Address.ToString()));
        Assert.Equal("Advanced Micro Devices, Inc. [AMD] Device 14a4", topology.Get("e0:00.0").Label);
        Assert.Null(topology.Get("e0:00.0").Vendor);
        Assert.Equal("Advanced Micro Devices, Inc. [AMD] Device 14b4", topology.Get("00:19.7").Label);
    }

    [Fact]
    public void Lenovo_SkipsTheThreeShellLines()
    {
        var topology = ReadFixture(Lenovo);

        Assert.Equal(3, topology.Diagnostics.Count);
        for (var i = 0; i < 3; i++)
        {
            Assert.StartsWith($"skipped line {i + 1}: not part of the tree", topology.Diagnostics[i].Message, StringComparison.Ordinal);
        }
        Assert.Contains("occon node/mocr4pcc02u31", topology.Diagnostics[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lenovo_NumaFromRootBus()
    {
        var numa = new Dictionary<PciBus, int> { [new PciBus(0, 0x00)] = 0, [new PciBus(0, 0xc0)] = 1 };

        var topology = ReadFixture(Lenovo, numa);

        Assert.Equal(1, topology.Get("c3:00.0").NumaNode);
        Assert.Equal(1, topology.Get("c6:00.0").NumaNode);
        Assert.Equal(1, topology.Get("c0:01.1").NumaNode);
        Assert.Equal(0, topology.Get("03:00.0").NumaNode);
        Assert.Equal(-1, topology.Get("23:00.0").NumaNode);
        Assert.Equal(1, topology.HostBridges.Single(b => b.Root == new PciBus(0, 0xc0)).NumaNode);
    }

    // ---- inline samples ----

    [Fact]
    public void Tvnn_VendorAndDeviceParsedAndLabelStripped()
    {
        const string text = """
            -[0000:00]-+-00.0  Intel Corporation Sky Lake-E DMI3 Registers [8086:2020]
                       +-01.0-[01]----00.0  Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983 [144d:a808]
                       \-1f.0  Intel Corporation C620 Series Chipset Family LPC Controller [8086:a1c3]
            """;

        var topology = Parse(text);

        Assert.Equal(
            [
                ("0000:00:00.0", "endpoint", null),
                ("0000:00:01.0", "rootPort", null),
                ("0000:00:1f.0", "endpoint", null),
                ("0000:01:00.0", "endpoint", "0000:00:01.0"),
            ],
            Shape(topology));
        var dmi = topology.Get("00:00.0");
        Assert.Equal("Intel Corporation Sky Lake-E DMI3 Registers", dmi.Label);
        Assert.Equal(0x8086, dmi.Vendor);
        Assert.Equal(0x2020, dmi.Device);
        var nvme = topology.Get("01:00.0");
        Assert.Equal("Samsung Electronics Co Ltd NVMe SSD Controller SM981/PM981/PM983", nvme.Label);
        Assert.Equal(0x144d, nvme.Vendor);
        Assert.Equal(0xa808, nvme.Device);
        Assert.Equal(0xa1c3, topology.Get("00:1f.0").Device);
        Assert.Null(topology.Get("00:01.0").Vendor);
        Assert.Empty(topology.Diagnostics);
        Assert.Equal(0x8086, Assert.Single(topology.HostBridges).FirstVendor);
    }

    [Theory]
    [InlineData("NVIDIA Corporation GH100 [H200 SXM 141GB]", "NVIDIA Corporation GH100 [H200 SXM 141GB]", null, null)]
    [InlineData("Advanced Micro Devices, Inc. [AMD] Device 14a4 [1022:14a4]", "Advanced Micro Devices, Inc. [AMD] Device 14a4", 0x1022, 0x14a4)]
    [InlineData("Mellanox Technologies MT2910 Family [ConnectX-7] [15b3:1021]", "Mellanox Technologies MT2910 Family [ConnectX-7]", 0x15b3, 0x1021)]
    [InlineData("Device [10de:2330]", "Device", 0x10de, 0x2330)]
    [InlineData("10de:2330", null, 0x10de, 0x2330)]
    [InlineData("Name [10de:233]", "Name [10de:233]", null, null)]
    [InlineData("Name [10de-2330]", "Name [10de-2330]", null, null)]
    [InlineData("Name [zzzz:2330]", "Name [zzzz:2330]", null, null)]
    public void Names_OnlyATrailingIdPairIsStripped(string name, string? label, int? vendor, int? device)
    {
        var topology = Parse($"-+-00.0  {name}\n \\-01.0  Other\n");

        var f = topology.Get("00:00.0");
        Assert.Equal(label, f.Label);
        Assert.Equal(vendor, f.Vendor);
        Assert.Equal(device, f.Device);
    }

    [Fact]
    public void SingleRootWithoutRootBus_IsBus0000_00()
    {
        var topology = Parse("-+-00.0  Host bridge\n +-01.0-[01]----00.0  NVMe\n \\-1f.0  ISA");

        Assert.Equal(
            [
                ("0000:00:00.0", "endpoint", null),
                ("0000:00:01.0", "rootPort", null),
                ("0000:00:1f.0", "endpoint", null),
                ("0000:01:00.0", "endpoint", "0000:00:01.0"),
            ],
            Shape(topology));
        Assert.Equal("Host bridge", topology.Get("00:00.0").Label);
        Assert.Equal("NVMe", topology.Get("01:00.0").Label);
        Assert.Equal("ISA", topology.Get("00:1f.0").Label);
        Assert.Equal("host1", topology.Host);
        Assert.Equal(new PciBus(0, 0), Assert.Single(topology.HostBridges).Root);
        Assert.Empty(topology.Diagnostics);
    }

    [Fact]
    public void WithoutNames_EmptyBridgesAreStillBridges()
    {
        const string text = """
            -[0000:00]-+-00.0
                       +-01.0-[01-02]----00.0-[02]--
                       \-1f.0
            """;

        var topology = Parse(text);

        Assert.Equal(
            [
                ("0000:00:00.0", "endpoint", null),
                ("0000:00:01.0", "rootPort", null),
                ("0000:00:1f.0", "endpoint", null),
                ("0000:01:00.0", "switchUpstream", "0000:00:01.0"),
            ],
            Shape(topology));
        Assert.All(topology.Functions, f => Assert.Null(f.Label));
    }

    [Fact]
    public void SingleRootBusWithOneDevice()
    {
        var topology = Parse("-[0000:00]---00.0  Only\n");

        var f = Assert.Single(topology.Functions);
        Assert.Equal(A("00:00.0"), f.Address);
        Assert.Equal("Only", f.Label);
    }

    [Fact]
    public void RootBusDomainIsInheritedBySecondaryBuses()
    {
        const string text = """
            -+-[0001:10]---00.0-[11-12]--+-00.0  A
             |                           \-01.0-[12]----00.0  B
             \-[0000:00]-+-00.0  Host
                         \-02.0-[05]----00.0  C
            """;
        var numa = new Dictionary<PciBus, int> { [new PciBus(1, 0x10)] = 3 };

        var topology = Parse(text, numa);

        Assert.Equal(
            [
                ("0000:00:00.0", "endpoint", null),
                ("0000:00:02.0", "rootPort", null),
                ("0000:05:00.0", "endpoint", "0000:00:02.0"),
                ("0001:10:00.0", "rootPort", null),
                ("0001:11:00.0", "endpoint", "0001:10:00.0"),
                ("0001:11:01.0", "switchUpstream", "0001:10:00.0"),
                ("0001:12:00.0", "endpoint", "0001:11:01.0"),
            ],
            Shape(topology));
        Assert.Equal(3, topology.Get("0001:12:00.0").NumaNode);
        Assert.Equal(-1, topology.Get("0000:05:00.0").NumaNode);
        Assert.Empty(topology.Diagnostics);
    }

    [Fact]
    public void BlankAndTextLinesAfterTheTree_AreSkippedWithDiagnostics()
    {
        var topology = Parse("$ lspci -tv\n-+-00.0  A\n \\-01.0  B\n\n$ echo done\n");

        Assert.Equal(2, topology.Functions.Count);
        Assert.Equal(
            [
                "skipped line 1: not part of the tree ('$ lspci -tv')",
                "skipped line 4: blank",
                "skipped line 5: not part of the tree ('$ echo done')",
            ],
            topology.Diagnostics.Select(d => d.Message));
        Assert.All(topology.Diagnostics, d => Assert.Equal("paste.txt", d.Source));
    }

    [Fact]
    public void ASiblingEndsTheDeeperListsLeftOpen()
    {
        // The list under 01.0 never gets its '\-'; the next sibling at column 2 ends it.
        var topology = Parse("-+-00.0  A\n +-01.0-[01]--+-00.0  B\n \\-02.0  C\n");

        Assert.Equal(4, topology.Functions.Count);
        var d = Assert.Single(topology.Diagnostics);
        Assert.Contains("line 2, column 15", d.Message, StringComparison.Ordinal);
        Assert.Contains("bridge 0000:00:01.0", d.Message, StringComparison.Ordinal);
    }

    // ---- bad input ----

    [Theory]
    [InlineData("-+-00.0  A\n +-01.0-[0", 2, 9, "'[0'")] // truncated line
    [InlineData("-+-01.0-[01-02", 1, 9, "'[01-02'")] // unterminated bus range
    [InlineData("-+-01.0-[01-02--00.0  A", 1, 9, "'[01-02--00.0  A'")] // bus range without ']'
    [InlineData("-+-01.0-[0x]--", 1, 9, "'[0x]'")]
    [InlineData("-+-01.0-[05-03]--", 1, 9, "'[05-03]'")] // range ends before it starts
    [InlineData("-+-00.0  A\n \\-zz.0  B", 2, 4, "'zz.0'")]
    [InlineData("-[0000:00]-+-00.9  A", 1, 14, "'00.9'")]
    [InlineData("-+-20.0  A", 1, 4, "'20.0'")] // device above 1f
    [InlineData("-+-0.0  A", 1, 4, "'0.0 '")]
    [InlineData("-+-00.0  A\n   +-01.0  B", 2, 4, "'+-'")] // continuation at a column with no list
    [InlineData("-+-00.0  A\n \\-01.0  B\n +-02.0  C", 3, 2, "'+-'")] // the list was closed by '\-'
    [InlineData("-+-00.0  A\n \\-01.0-[01]--+-", 2, 17, "\\-01.0-[01]--+-")] // bridge with '+-' and no child
    [InlineData("-+-00.0  A\n \\-01.0-[01]----", 2, 17, "\\-01.0-[01]----")] // bridge with '--' and no child
    [InlineData("-+-", 1, 4, "end of the line")]
    [InlineData("-+-[0000:zz]-+-00.0  A", 1, 4, "'[0000:zz]'")]
    [InlineData("-+-[0000:00", 1, 4, "'[0000:00'")] // unterminated root bus
    [InlineData("-+-[10000:00]-+-00.0  A", 1, 4, "'[10000:00]'")] // domain out of range
    [InlineData("-+-[0000:00]-x", 1, 14, "'x'")]
    [InlineData("-+-01.0-[01]-+-00.0  A", 1, 14, "'+-00.0  A'")]
    [InlineData("-+-00.0X", 1, 8, "'X'")]
    [InlineData("-+-00.0  A\n |  foo", 2, 5, "'foo'")]
    [InlineData("--x", 1, 1, "'--x'")]
    [InlineData("    $ lspci -tv\n    -+-00.0  A\n    +-01.0  B", 3, 5, "'+-'")] // the list is at column 6
    public void BadInput_NamesSourceLineColumnAndText(string text, int line, int column, string fragment)
    {
        var e = Assert.Throws<TopologyException>(() => Parse(text));

        Assert.StartsWith($"paste.txt: line {line}, column {column}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("hello\nworld")]
    [InlineData("$ lspci -tv\nbash: lspci: command not found\n")]
    [InlineData("-[0000:00]-")]
    [InlineData("|\n|")]
    public void NoTree_IsAnError(string text)
    {
        var e = Assert.Throws<TopologyException>(() => Parse(text));

        Assert.StartsWith("no lspci tree found in paste.txt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateAddress_IsBuildsError()
    {
        var e = Assert.Throws<TopologyException>(() => Parse("-+-00.0  A\n +-00.0  B\n \\-01.0  C"));

        Assert.Equal("paste.txt: duplicate address 0000:00:00.0", e.Message);
    }

    [Fact]
    public void ReadFile_MissingFile_IsATopologyError()
    {
        var path = Fixtures.Lspci("no-such-file.txt");

        var e = Assert.Throws<TopologyException>(() => LspciReader.ReadFile(path, "h", CpuInfo.Unknown, null));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_HostOverridesTheFileName()
    {
        var topology = LspciReader.ReadFile(Fixtures.Lspci(Gigabyte), "gpu-node-7", CpuInfo.Intel, null);

        Assert.Equal("gpu-node-7", topology.Host);
        Assert.Equal(CpuInfo.Intel, topology.Cpu);
    }

    [Theory]
    [InlineData(Gigabyte)]
    [InlineData(Aws)]
    [InlineData(Lenovo)]
    public void EveryPrefixOfAFixture_ParsesOrFailsWithATopologyError(string name)
    {
        var text = File.ReadAllText(Fixtures.Lspci(name));

        for (var length = 0; length <= text.Length; length++)
        {
            ParsesOrFailsCleanly(text[..length]);
        }
    }

    [Fact]
    public void EverySingleCharacterEdit_ParsesOrFailsWithATopologyError()
    {
        var text = File.ReadAllText(Fixtures.Lspci(Gigabyte));
        const string replacements = "-+[]| \\z9.\n\t:0";

        for (var i = 0; i < text.Length; i++)
        {
            foreach (var c in replacements)
            {
                ParsesOrFailsCleanly(string.Concat(text.AsSpan(0, i), c.ToString(), text.AsSpan(i + 1)));
            }
            ParsesOrFailsCleanly(text.Remove(i, 1));
        }
    }

    private static void ParsesOrFailsCleanly(string text)
    {
        try
        {
            Parse(text);
        }
        catch (TopologyException)
        {
            // expected for most edits; anything else (IndexOutOfRange, NullReference, …) fails the test
        }
    }
}
