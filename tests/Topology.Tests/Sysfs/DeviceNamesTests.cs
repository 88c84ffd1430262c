using Orchestrator.Protocol.Topology;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;
using Orchestrator.Topology.Sysfs;
using Orchestrator.Topology.Tests.P2p;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Topology.Tests.Sysfs;

/// <summary>Names operators know (issue 15, part 5): OS device names and local CPUs from sysfs, labels from a host's pci.ids.</summary>
public sealed class DeviceNamesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Entries as pciutils' pci.ids spells them, for the devices of the QEMU captures.</summary>
    private const string PciIdsExcerpt = """
        #
        #	List of PCI ID's (excerpt)
        #
        104c  Texas Instruments
        	8232  XIO3130 PCI Express Switch (Upstream)
        	8233  XIO3130 PCI Express Switch (Downstream)
        1af4  Red Hat, Inc.
        	1041  Virtio 1.0 network device
        		1af4 1100  QEMU Virtual Machine
        1b36  Red Hat, Inc.
        	000c  QEMU PCIe Root port
        	0010  QEMU NVM Express Controller
        8086  Intel Corporation
        	2918  82801IB (ICH9) LPC Interface Controller
        	29c0  82G33/G31/P35/P31 Express DRAM Controller
        # List of known device classes, subclasses and programming interfaces
        C 01  Mass storage controller
        	06  SATA controller
        		01  AHCI 1.0
        	08  Non-Volatile memory controller
        		02  NVM Express
        C 0c  Serial bus controller
        	05  SMBus
        C ff  Unassigned class
        """;

    [Fact]
    public void Os_names_and_local_cpus_come_from_the_kernels_own_tree()
    {
        var read = new SysfsReader(Fixtures.Sysfs("two-switches")).Read();
        Assert.Equal(["nvme0"], read.Get("0000:03:00.0").OsNames);
        Assert.Equal(["nvme2"], read.Get("0000:07:00.0").OsNames);
        Assert.Empty(read.Get("0000:02:00.0").OsNames);  // a switch port registers no class device
        Assert.Equal("0-1", read.Get("0000:03:00.0").LocalCpus);
        Assert.Contains("0000:03:00.0 endpoint nvme0  NVMe controller", TreeWriter.Write(read), StringComparison.Ordinal);
    }

    [Fact]
    public void Net_and_rdma_names_and_a_virtio_nics_interface_are_found()
    {
        var host = RulesHost.Load(RulesHost.Yaml());
        SysfsTreeWriter.Write(host, temp.Path, realSymlinks: true);
        var nic = DirOf(RulesHost.Nic);
        Directory.CreateDirectory(Path.Combine(nic, "net", "ens1f0np0"));
        Directory.CreateDirectory(Path.Combine(nic, "infiniband", "mlx5_0"));
        var provider = DirOf(RulesHost.ProviderA);
        File.Delete(Path.Combine(provider, "driver"));
        File.CreateSymbolicLink(Path.Combine(provider, "driver"), "../../../../bus/pci/drivers/virtio-pci");
        Directory.CreateDirectory(Path.Combine(provider, "virtio3", "net", "eth1"));

        var read = new SysfsReader(temp.Path).Read();

        Assert.Equal(["ens1f0np0", "mlx5_0"], read.Get(RulesHost.Nic).OsNames);
        Assert.Equal(["eth1"], read.Get(RulesHost.ProviderA).OsNames);
    }

    [Fact]
    public void A_garbled_local_cpulist_is_a_diagnostic_and_affinity_unknown()
    {
        var host = RulesHost.Load(RulesHost.Yaml());
        SysfsTreeWriter.Write(host, temp.Path, realSymlinks: true);
        var file = Path.Combine(DirOf(RulesHost.Nic), "local_cpulist");
        File.WriteAllText(file, "0-3,all\n");
        var read = new SysfsReader(temp.Path).Read();
        Assert.Null(read.Get(RulesHost.Nic).LocalCpus);
        Assert.Contains(read.Diagnostics, d => d.Source == file && d.Message.Contains("'0-3,all' is not a CPU list", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("usr/share/misc/pci.ids")]
    [InlineData("usr/share/hwdata/pci.ids")]
    public void Labels_come_from_the_hosts_pci_ids_when_it_has_one(string location)
    {
        CopyTree(Fixtures.Sysfs("two-switches"), temp.Path);
        var ids = Path.Combine(temp.Path, location);
        Directory.CreateDirectory(Path.GetDirectoryName(ids)!);
        File.WriteAllText(ids, PciIdsExcerpt);

        var read = new SysfsReader(temp.Path).Read();

        Assert.Equal("NVMe controller: Red Hat, Inc. QEMU NVM Express Controller", read.Get("0000:03:00.0").Label);
        Assert.Equal("PCI bridge: Texas Instruments XIO3130 PCI Express Switch (Downstream)", read.Get("0000:02:00.0").Label);
        // A vendor pci.ids knows, a device it does not: lspci's "Device 1234" style.
        Assert.Equal("SATA controller: Intel Corporation Device 2922", read.Get("0000:00:1f.2").Label);
    }

    [Fact]
    public void Without_pci_ids_the_class_table_names_the_function()
    {
        var read = new SysfsReader(Fixtures.Sysfs("two-switches")).Read();
        Assert.Equal("NVMe controller", read.Get("0000:03:00.0").Label);
    }

    [Fact]
    public void Pci_ids_names_a_class_our_table_lacks_and_skips_what_it_cannot_read()
    {
        var ids = PciIds.Parse("test", PciIdsExcerpt.Split('\n').Append("zzzz  not an id").Append("\tqq  nor this"));
        Assert.Equal("Red Hat, Inc.", ids.Vendor(0x1b36));
        Assert.Equal("QEMU NVM Express Controller", ids.Device(0x1b36, 0x0010));
        Assert.Null(ids.Device(0x1b36, 0x0001));
        Assert.Equal("Unassigned class", ids.Class(0xff0000));
        Assert.Equal("Unassigned class: Red Hat, Inc. QEMU NVM Express Controller", ids.Label(0x1b36, 0x0010, 0xff0000));
        Assert.Null(ids.Label(0x1234, 0x0001, 0x010802));  // nothing known: the class table's name stays
    }

    [Fact]
    public void Names_and_cpus_survive_a_topology_file_and_bad_names_are_refused()
    {
        var read = new SysfsReader(Fixtures.Sysfs("two-switches")).Read();
        var file = Path.Combine(temp.Path, "t.yaml");
        TopologyFile.Write(read, file);
        var back = TopologyFile.Read(file);
        Assert.Equal(["nvme0"], back.Get("0000:03:00.0").OsNames);
        Assert.Equal("0-1", back.Get("0000:03:00.0").LocalCpus);

        var bad = new TopologyDocument
        {
            Host = "h",
            Functions = [new FunctionDocument { Address = "0000:01:00.0", OsNames = ["net/eth0"] }],
        };
        var error = Assert.Throws<TopologyException>(() => TopologyDocumentMapper.ToModel(bad, "t.yaml"));
        Assert.Contains("functions[0] (0000:01:00.0).osNames[0]: 'net/eth0' is not a device name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_matrix_prints_like_nvidia_smi_topo_with_affinity_and_a_device_legend()
    {
        var read = new SysfsReader(Fixtures.Sysfs("two-switches")).Read();
        var matrix = LevelMatrixBuilder.Build(read, new P2pRules(read), [read.Get("0000:03:00.0").Address, read.Get("0000:07:00.0").Address, read.Get("0000:08:00.0").Address]);
        var text = MatrixWriter.Write(matrix);
        var lines = text.Split('\n');
        Assert.Equal("         03:00.0  07:00.0  08:00.0  CPU Affinity  NUMA Affinity", lines[0]);
        Assert.Equal("03:00.0  X        PHB!     PHB!     0-1           N/A", lines[1]);
        Assert.Contains("  03:00.0  nvme0  p2pmem  NVMe controller", lines);
        Assert.Contains("  08:00.0  -              Ethernet controller", lines);
        Assert.Contains("  PIX  = Connection traversing at most a single PCIe bridge", lines);
        Assert.Equal(["nvme0"], matrix.Details![0].OsNames);
        Assert.True(matrix.Details[0].Provider);
        Assert.False(matrix.Details[2].Provider);
    }

    private string DirOf(string bdf)
    {
        var link = temp.Combine("sys", "bus", "pci", "devices", bdf);
        return Path.GetFullPath(Path.Combine(Path.GetDirectoryName(link)!, new FileInfo(link).LinkTarget ?? File.ReadAllText(link)));
    }

    /// <summary>A copy to add a file to: the fixtures themselves are never written.</summary>
    private static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }
}
