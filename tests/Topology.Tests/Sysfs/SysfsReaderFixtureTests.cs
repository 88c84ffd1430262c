using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Topology.Tests.Sysfs;

/// <summary>Every capture written by a real kernel reads exactly as its summary.tsv and config space say.</summary>
public class SysfsReaderFixtureTests
{
    public static TheoryData<string> Captures => new() { "switch1", "switch1-no-iommu", "two-switches", "switch1-debian-stock-6.1" };

    private sealed record SummaryRow(
        string Bdf, string SysfsPath, string Vendor, string Device, string Class, string Driver, string IommuGroup,
        int Numa, string Link, string P2pmem);

    private static List<SummaryRow> Summary(string capture)
    {
        return File.ReadAllLines(Path.Combine(Fixtures.Sysfs(capture), "summary.tsv"))
            .Where(l => l.Length > 0 && !l.StartsWith('#') && !l.StartsWith("bdf", StringComparison.Ordinal))
            .Select(l => l.Split('\t'))
            .Select(c => new SummaryRow(c[0], c[1], c[2], c[3], c[4], c[5], c[6], int.Parse(c[7], CultureInfo.InvariantCulture), c[8], c.Length > 10 ? c[10] : string.Empty))
            .ToList();
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Every_function_matches_the_summary(string capture)
    {
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        var rows = Summary(capture);

        Assert.Equal(capture, topology.Host);
        Assert.Equal(rows.Select(r => r.Bdf), topology.Functions.Select(f => f.Address.ToString()));
        foreach (var row in rows)
        {
            var f = topology.Get(row.Bdf);
            var segments = row.SysfsPath.Split('/');
            var expectedParent = segments.Length >= 2 && PciAddress.TryParse(segments[^2], out var p) ? p : (PciAddress?)null;
            Assert.Equal(expectedParent, f.Parent);
            Assert.Equal(Convert.ToInt32(row.Vendor, 16), f.Vendor);
            Assert.Equal(Convert.ToInt32(row.Device, 16), f.Device);
            Assert.Equal(Convert.ToInt32(row.Class, 16), f.ClassCode);
            Assert.Equal(row.Driver.Length == 0 ? null : row.Driver, f.Driver);
            Assert.Equal(row.IommuGroup.Length == 0 ? null : row.IommuGroup, f.IommuGroup);
            Assert.Equal(row.Numa, f.NumaNode);
            if (row.Link.Length > 0)
            {
                // "2.5 GT/s PCIe x1"
                var speed = double.Parse(row.Link.Split(' ')[0], CultureInfo.InvariantCulture);
                var width = int.Parse(row.Link.Split('x')[^1], CultureInfo.InvariantCulture);
                Assert.Equal(speed, f.Link?.Speed);
                Assert.Equal(width, f.Link?.Width);
            }
            else
            {
                Assert.Null(f.Link?.Speed);
            }
            if (row.P2pmem.Length > 0)
            {
                var parts = row.P2pmem.Split('/').Select(long.Parse).ToArray();
                Assert.Equal(new P2pMem(parts[0], parts[1], parts[2] == 1), f.P2pMem);
            }
            else
            {
                Assert.Null(f.P2pMem);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Kinds_come_from_the_pcie_capability_and_conventional_functions_are_inferred(string capture)
    {
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        foreach (var f in topology.Functions)
        {
            var (expected, source) = (f.Vendor, f.Device) switch
            {
                (0x1b36, 0x000c) => (DeviceKind.RootPort, KindSource.ConfigSpace),
                (0x104c, 0x8232) => (DeviceKind.SwitchUpstream, KindSource.ConfigSpace),
                (0x104c, 0x8233) => (DeviceKind.SwitchDownstream, KindSource.ConfigSpace),
                (0x1b36, 0x0010) or (0x8086, 0x10d3) or (0x1af4, 0x1041) => (DeviceKind.Endpoint, KindSource.ConfigSpace),
                // 00:00.0 and 00:1f.x are conventional PCI: 256 bytes of config space, no PCIe capability.
                _ => (DeviceKind.Endpoint, KindSource.Inferred),
            };
            Assert.True(expected == f.Kind, $"{capture} {f.Address}: kind {f.Kind}, expected {expected}");
            Assert.True(source == f.KindSource, $"{capture} {f.Address}: kind source {f.KindSource}, expected {source}");
        }
    }

    [Theory]
    [InlineData("switch1", "0000:00:02.0", 0x1d)]
    [InlineData("switch1-debian-stock-6.1", "0000:00:02.0", 0x1d)]
    [InlineData("two-switches", "0000:00:02.0", 0x1d)]
    [InlineData("two-switches", "0000:00:03.0", 0x1d)]
    [InlineData("switch1-no-iommu", "0000:00:02.0", 0x00)]
    public void Acs_is_read_from_the_extended_capability_of_root_ports(string capture, string rootPort, int control)
    {
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        var port = topology.Get(rootPort);
        Assert.Equal(control, port.AcsControl);
        Assert.Equal(control != 0, port.AcsRedirect);
        // Switch ports list standard capability 0x0D (bridge subsystem vendor ID): that is not ACS.
        Assert.All(topology.Functions.Where(f => f.Address != port.Address && f.Kind != DeviceKind.RootPort), f =>
        {
            Assert.False(f.AcsRedirect, $"{f.Address} has no ACS capability");
            Assert.Null(f.AcsControl);
        });
    }

    [Fact]
    public void Captures_have_one_host_bridge_judged_by_its_00_0_function_and_an_unknown_cpu()
    {
        var topology = new SysfsReader(Fixtures.Sysfs("two-switches")).Read();
        var bridge = Assert.Single(topology.HostBridges);
        Assert.Equal(new PciBus(0, 0), bridge.Root);
        Assert.Equal(PciAddress.Parse("0000:00:00.0"), bridge.FirstFunction);
        Assert.Equal((0x8086, 0x29c0), (bridge.FirstVendor!.Value, bridge.FirstDevice!.Value));
        Assert.True(bridge.FirstIsEligible);
        Assert.Equal(CpuInfo.Unknown, topology.Cpu);
        Assert.Contains(topology.Diagnostics, d => d.Source.EndsWith("proc/cpuinfo", StringComparison.Ordinal) && d.Message.Contains("not AMD Zen", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stock_kernel_without_p2pdma_has_no_providers_and_says_why_it_may_be()
    {
        var topology = new SysfsReader(Fixtures.Sysfs("switch1-debian-stock-6.1")).Read();
        Assert.Empty(topology.Providers);
        var hint = Assert.Single(topology.Diagnostics, d => d.Message.StartsWith("no function has p2pmem", StringComparison.Ordinal));
        Assert.Contains("0000:03:00.0, 0000:04:00.0", hint.Message, StringComparison.Ordinal);
        Assert.Contains("CONFIG_PCI_P2PDMA", hint.Message, StringComparison.Ordinal);
        var withP2pdma = new SysfsReader(Fixtures.Sysfs("switch1")).Read();
        Assert.Equal(2, withP2pdma.Providers.Count());
        Assert.DoesNotContain(withP2pdma.Diagnostics, d => d.Message.StartsWith("no function has p2pmem", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Captures_read_without_diagnostics_other_than_the_missing_cpuinfo(string capture)
    {
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        var diagnostic = Assert.Single(topology.Diagnostics, d => !d.Message.StartsWith("no function has p2pmem", StringComparison.Ordinal));  // the stock kernel's hint: above
        Assert.EndsWith("proc/cpuinfo", diagnostic.Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Revision_and_subsystem_ids_from_config_space_equal_the_kernels_attribute_files(string capture)
    {
        // The reader takes these from config space (three fewer files per function); hold it to the kernel's view.
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        foreach (var f in topology.Functions)
        {
            var dir = Path.Combine(Fixtures.Sysfs(capture), "sys", "bus", "pci", "devices", f.Address.ToString());
            var target = File.ReadAllText(dir);
            var attributes = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(dir)!, target));
            int Attr(string name) => Convert.ToInt32(File.ReadAllText(Path.Combine(attributes, name)).Trim(), 16);
            Assert.True(Attr("revision") == f.Revision, $"{capture} {f.Address} revision");
            Assert.True(Attr("subsystem_vendor") == f.SubsystemVendor, $"{capture} {f.Address} subsystem_vendor {f.SubsystemVendor:x4}");
            Assert.True(Attr("subsystem_device") == f.SubsystemDevice, $"{capture} {f.Address} subsystem_device {f.SubsystemDevice:x4}");
        }
    }

    [Theory]
    [MemberData(nameof(Captures))]
    public void Conventional_pci_functions_have_no_link(string capture)
    {
        var topology = new SysfsReader(Fixtures.Sysfs(capture)).Read();
        Assert.Null(topology.Get("0000:00:1f.2").Link);
        Assert.Null(topology.Get("0000:00:00.0").Link);
        var port = topology.Get("0000:00:02.0").Link!;
        Assert.Equal(new Orchestrator.Topology.Model.LinkInfo(2.5, 1, 16.0, 32), port);
    }
}
