using Orchestrator.Protocol;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.Sysfs;
using Orchestrator.Topology.Tests.P2p;

namespace Orchestrator.Topology.Tests.Sysfs;

/// <summary>Generated trees (real symlinks or captured-as-text links) and every kind of damage a sysfs tree can show.</summary>
public sealed class SysfsReaderInputTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly HostTopology declared = RulesHost.Load(RulesHost.Yaml());

    public void Dispose() => temp.Dispose();

    private string DirOf(string bdf)
    {
        var link = temp.Combine("sys", "bus", "pci", "devices", bdf);
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(link)!, new FileInfo(link).LinkTarget ?? File.ReadAllText(link)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_written_tree_reads_back_as_the_declared_topology(bool realSymlinks)
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks);
        var read = new SysfsReader(temp.Path).Read("rules");
        Assert.Equal(declared.Functions.Select(f => (f.Address, f.Parent, f.Kind, f.Vendor, f.Device, f.ClassCode, f.NumaNode, f.AcsRedirect, f.P2pMem, f.PhysFn)),
            read.Functions.Select(f => (f.Address, f.Parent, f.Kind, f.Vendor, f.Device, f.ClassCode, f.NumaNode, f.AcsRedirect, f.P2pMem, f.PhysFn)));
        Assert.All(read.Functions, f => Assert.Equal(Orchestrator.Topology.Model.KindSource.ConfigSpace, f.KindSource));
        Assert.Equal(declared.Get(RulesHost.ProviderA).Link, read.Get(RulesHost.ProviderA).Link);
    }

    [Fact]
    public void Acs_written_into_config_space_reads_back()
    {
        var withAcs = RulesHost.WithAcs("0000:02:00.0");
        SysfsTreeWriter.Write(withAcs, temp.Path, realSymlinks: true);
        var read = new SysfsReader(temp.Path).Read();
        Assert.True(read.Get("0000:02:00.0").AcsRedirect);
        Assert.Equal(0x1D, read.Get("0000:02:00.0").AcsControl);
        Assert.False(read.Get("0000:02:01.0").AcsRedirect);
    }

    [Theory]
    [InlineData("vendor", "0xzzzz\n", "'0xzzzz' is not a hex value")]
    [InlineData("class", "garbage\n", "'garbage' is not a hex value")]
    [InlineData("numa_node", "north\n", "'north' is not a NUMA node")]
    [InlineData("current_link_speed", "fast\n", "'fast' is not a link speed")]
    [InlineData("current_link_width", "x4\n", "'x4' is not a link width")]
    [InlineData("p2pmem/size", "lots\n", "'lots' is not a byte count; pool ignored")]
    [InlineData("p2pmem/published", "yes\n", "'yes' is not 0 or 1; pool ignored")]
    [InlineData("p2pmem/available", "999999999999\n", "999999999999 is more than size 67108864; pool ignored")]
    public void A_garbled_attribute_is_a_diagnostic_naming_file_and_value(string attribute, string content, string message)
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks: true);
        var file = Path.Combine(DirOf(RulesHost.ProviderA), attribute);
        File.WriteAllText(file, content);

        var read = new SysfsReader(temp.Path).Read();

        var diagnostic = Assert.Single(read.Diagnostics, d => d.Source == file);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(declared.Functions.Count, read.Functions.Count);  // discovery went on
    }

    [Fact]
    public void A_missing_attribute_is_a_diagnostic_and_the_function_is_kept()
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks: true);
        var dir = DirOf(RulesHost.Nic);
        File.Delete(Path.Combine(dir, "device"));
        File.Delete(Path.Combine(dir, "config"));
        var read = new SysfsReader(temp.Path).Read();
        Assert.Contains(read.Diagnostics, d => d.Source == Path.Combine(dir, "device") && d.Message == "missing or unreadable");
        Assert.Contains(read.Diagnostics, d => d.Source == Path.Combine(dir, "config") && d.Message.Contains("kind inferred", StringComparison.Ordinal));
        Assert.Null(read.Get(RulesHost.Nic).Device);
        Assert.Equal(Orchestrator.Topology.Model.KindSource.Inferred, read.Get(RulesHost.Nic).KindSource);
    }

    [Fact]
    public void Sixty_four_bytes_of_config_say_not_root_and_kinds_are_inferred()
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks: true);
        var config = Path.Combine(DirOf("0000:01:00.0"), "config");
        File.WriteAllBytes(config, File.ReadAllBytes(config)[..64]);
        var read = new SysfsReader(temp.Path).Read();
        Assert.Contains(read.Diagnostics, d => d.Source == config && d.Message.Contains("64 bytes", StringComparison.Ordinal));
        Assert.Equal(Protocol.Topology.DeviceKind.SwitchUpstream, read.Get("0000:01:00.0").Kind);
        Assert.Equal(Orchestrator.Topology.Model.KindSource.Inferred, read.Get("0000:01:00.0").KindSource);
    }

    [Fact]
    public void A_dangling_link_or_bad_name_skips_that_entry_and_what_hangs_below_it()
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks: true);
        var devices = temp.Combine("sys", "bus", "pci", "devices");
        File.Delete(Path.Combine(devices, "0000:06:00.0"));
        File.CreateSymbolicLink(Path.Combine(devices, "0000:06:00.0"), "../../../devices/pci0000:00/nowhere/0000:06:00.0");
        File.WriteAllText(Path.Combine(devices, "not-a-bdf"), "x");

        var read = new SysfsReader(temp.Path).Read();

        Assert.Contains(read.Diagnostics, d => d.Source.EndsWith("0000:06:00.0", StringComparison.Ordinal) && d.Message.Contains("does not exist", StringComparison.Ordinal));
        Assert.Contains(read.Diagnostics, d => d.Source.EndsWith("not-a-bdf", StringComparison.Ordinal) && d.Message.Contains("'not-a-bdf' is not a PCI address", StringComparison.Ordinal));
        Assert.Contains(read.Diagnostics, d => d.Source == "0000:07:00.0" && d.Message.Contains("0000:06:00.0 was not read", StringComparison.Ordinal));
        Assert.Null(read.Find(PciAddress.Parse("0000:07:00.0")));
        Assert.Equal(declared.Functions.Count - 2, read.Functions.Count);
    }

    [Fact]
    public void Not_a_sysfs_root_is_an_error_naming_the_directory()
    {
        var e = Assert.Throws<TopologyException>(() => new SysfsReader(temp.Path).Read());
        Assert.Contains(temp.Path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a sysfs root", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Proc_cpuinfo_under_the_root_gives_the_cpu()
    {
        SysfsTreeWriter.Write(declared, temp.Path, realSymlinks: true);
        Directory.CreateDirectory(temp.Combine("proc"));
        File.WriteAllText(temp.Combine("proc", "cpuinfo"), "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n");
        var read = new SysfsReader(temp.Path).Read();
        Assert.Equal(new CpuInfo("AuthenticAMD", 25), read.Cpu);
        Assert.True(read.Cpu.IsAmdZen);
        Assert.DoesNotContain(read.Diagnostics, d => d.Source.Contains("cpuinfo", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vendor_id\t: GenuineIntel\ncpu family\t: six\n", "cpu family 'six' is not a number")]
    [InlineData("model name\t: something\n", "no vendor_id line")]
    public void A_strange_cpuinfo_is_a_diagnostic(string text, string message)
    {
        var (_, diagnostic) = CpuInfoParser.Parse("/proc/cpuinfo", text);
        Assert.NotNull(diagnostic);
        Assert.Contains(message, diagnostic.Message, StringComparison.Ordinal);
    }
}
