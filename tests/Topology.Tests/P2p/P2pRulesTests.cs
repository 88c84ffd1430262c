using Orchestrator.Protocol;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;
using static Orchestrator.Topology.Tests.P2p.RulesHost;

namespace Orchestrator.Topology.Tests.P2p;

/// <summary>Table-driven checks of <c>calc_map_type_and_dist</c> as ARCHITECTURE §5.1–5.2 state it.</summary>
public class P2pRulesTests
{
    private static P2pVerdict Verdict(HostTopology topology, string provider, string client, HostBridgeAllowList? allowList = null)
        => new P2pRules(topology, allowList).Verdict(PciAddress.Parse(provider), PciAddress.Parse(client));

    [Theory]
    [InlineData(ProviderA, ProviderA, MapType.BusAddr, 0)]                // same function
    [InlineData(ProviderA, ProviderAFunction1, MapType.BusAddr, 2)]       // two functions of one device
    [InlineData(ProviderA, ProviderAVf, MapType.BusAddr, 2)]              // a VF uses its PF's upstream bridge
    [InlineData(ProviderAVf, ProviderAFunction1, MapType.BusAddr, 2)]
    [InlineData(ProviderA, Nic, MapType.BusAddr, 4)]                      // two devices on one switch
    [InlineData(ProviderA, ProviderB, MapType.BusAddr, 4)]
    [InlineData(ProviderA, NestedProvider, MapType.BusAddr, 6)]           // one more switch level adds 2
    [InlineData(NestedProvider, Nic, MapType.BusAddr, 6)]
    [InlineData(UnderRootPortB, UnderRootPortC, MapType.ThruHostBridge, 4)] // different root ports: 2 + 2, via the allow-listed host bridge
    [InlineData(ProviderA, UnderRootPortB, MapType.ThruHostBridge, 6)]    // no common element: chain lengths 4 + 2
    [InlineData(UnderRootPortB, OtherHostBridge, MapType.ThruHostBridge, 4)] // two allow-listed host bridges
    public void Kernel_verdicts_on_an_allow_listed_intel_host(string provider, string client, MapType map, int distance)
    {
        var verdict = Verdict(Load(Yaml()), provider, client);
        Assert.Equal((map, distance), (verdict.MapType, verdict.Distance));
    }

    [Theory]
    // Same host bridge: an entry flagged "same host bridge only" is enough.
    [InlineData("vendor: \"8086\", device: \"3c00\"", "vendor: \"8086\", device: \"2020\"", UnderRootPortB, UnderRootPortC, MapType.ThruHostBridge)]
    [InlineData("vendor: \"8086\", device: \"2f01\"", "vendor: \"8086\", device: \"2020\"", UnderRootPortB, UnderRootPortC, MapType.ThruHostBridge)]
    // Across host bridges neither may carry that flag, and both must be listed.
    [InlineData("vendor: \"8086\", device: \"3c00\"", "vendor: \"8086\", device: \"2020\"", UnderRootPortB, OtherHostBridge, MapType.NotSupported)]
    [InlineData("vendor: \"8086\", device: \"2020\"", "vendor: \"8086\", device: \"3c01\"", UnderRootPortB, OtherHostBridge, MapType.NotSupported)]
    [InlineData("vendor: \"8086\", device: \"2030\"", "vendor: \"8086\", device: \"09a2\"", UnderRootPortB, OtherHostBridge, MapType.ThruHostBridge)]
    [InlineData("vendor: \"8086\", device: \"2020\"", "vendor: \"8086\", device: \"29c0\"", UnderRootPortB, OtherHostBridge, MapType.NotSupported)]
    [InlineData("vendor: \"8086\", device: \"29c0\"", "vendor: \"8086\", device: \"2020\"", UnderRootPortB, UnderRootPortC, MapType.NotSupported)]
    [InlineData("vendor: \"1ae0\", device: \"abcd\"", "vendor: \"1ae0\", device: \"0001\"", UnderRootPortB, OtherHostBridge, MapType.ThruHostBridge)]
    [InlineData("vendor: \"10de\", device: \"2f95\"", "vendor: \"10de\", device: \"2f98\"", UnderRootPortB, OtherHostBridge, MapType.ThruHostBridge)]
    [InlineData("vendor: \"10de\", device: \"2f99\"", "vendor: \"10de\", device: \"2f98\"", UnderRootPortB, OtherHostBridge, MapType.NotSupported)]
    [InlineData("vendor: \"8086\", device: \"4948\"", "vendor: \"8086\", device: \"0b25\"", UnderRootPortB, OtherHostBridge, MapType.ThruHostBridge)]
    public void Host_bridge_allow_list(string bridge0, string bridge1, string provider, string client, MapType map)
    {
        var verdict = Verdict(Load(Yaml(hostBridge0: bridge0, hostBridge1: bridge1)), provider, client);
        Assert.Equal(map, verdict.MapType);
    }

    [Fact]
    public void A_switch_path_needs_no_allow_list()
    {
        var topology = Load(Yaml(hostBridge0: "vendor: \"8086\", device: \"29c0\""));
        Assert.Equal(MapType.BusAddr, Verdict(topology, ProviderA, Nic).MapType);
        Assert.Equal(MapType.NotSupported, Verdict(topology, ProviderA, UnderRootPortB).MapType);
        Assert.Equal(6, Verdict(topology, ProviderA, UnderRootPortB).Distance);
    }

    [Fact]
    public void A_host_bridge_whose_first_function_is_neither_00_0_nor_a_root_port_is_never_allowed()
    {
        var yaml = """
            host: odd
            functions:
              - { address: "0000:00:00.1", vendor: "8086", device: "2020", class: "088000" }
              - { address: "0000:00:01.0", class: "060400" }
              - { address: "0000:01:00.0", parent: "0000:00:01.0", class: "010802", p2pmem: { size: 4096, available: 4096, published: true } }
              - { address: "0000:00:02.0", class: "060400" }
              - { address: "0000:02:00.0", parent: "0000:00:02.0", class: "020000" }
            """;
        var topology = Load(yaml);
        Assert.False(topology.HostBridges[0].FirstIsEligible);
        var rules = new P2pRules(topology);
        var explanation = rules.Explain(rules.IndexOf(PciAddress.Parse("0000:01:00.0")), rules.IndexOf(PciAddress.Parse("0000:02:00.0")));
        Assert.Equal(MapType.NotSupported, explanation.MapType);
        Assert.Contains("no 00.0 function or root port first", explanation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_root_port_first_on_the_root_bus_is_judged_by_its_ids()
    {
        var yaml = """
            host: skylake
            functions:
              - { address: "0000:00:02.0", vendor: "8086", device: "2030", kind: rootPort }
              - { address: "0000:01:00.0", parent: "0000:00:02.0", class: "010802", p2pmem: { size: 4096, available: 4096, published: true } }
              - { address: "0000:00:03.0", vendor: "8086", device: "2031", kind: rootPort }
              - { address: "0000:02:00.0", parent: "0000:00:03.0", class: "020000" }
            """;
        var topology = Load(yaml);
        Assert.True(topology.HostBridges[0].FirstIsEligible);
        Assert.Equal(MapType.ThruHostBridge, Verdict(topology, "0000:01:00.0", "0000:02:00.0").MapType);
    }

    [Theory]
    [InlineData("{ vendor: AuthenticAMD, family: 25 }", MapType.ThruHostBridge)]  // Zen 3
    [InlineData("{ vendor: AuthenticAMD, family: 23 }", MapType.ThruHostBridge)]  // 0x17, Zen
    [InlineData("{ vendor: AuthenticAMD, family: 22 }", MapType.NotSupported)]    // pre-Zen
    [InlineData("{ vendor: HygonGenuine, family: 24 }", MapType.NotSupported)]    // the kernel tests X86_VENDOR_AMD only
    public void Amd_zen_routes_any_pair_through_the_host_bridge(string cpu, MapType map)
    {
        // Host bridges not on the allow-list, so only the CPU rule can allow it.
        var topology = Load(Yaml(cpu: cpu, hostBridge0: "vendor: \"1022\", device: \"14a4\"", hostBridge1: "vendor: \"1022\", device: \"14a4\""));
        Assert.Equal(map, Verdict(topology, UnderRootPortB, OtherHostBridge).MapType);
        Assert.Equal(map, Verdict(topology, ProviderA, UnderRootPortC).MapType);
        Assert.Equal(MapType.BusAddr, Verdict(topology, ProviderA, Nic).MapType);
    }

    [Theory]
    [InlineData("0000:02:00.0", MapType.ThruHostBridge)]   // provider's downstream port
    [InlineData("0000:02:01.0", MapType.ThruHostBridge)]   // client's downstream port
    [InlineData("0000:01:00.0", MapType.ThruHostBridge)]   // the common bridge itself (provider side includes it)
    [InlineData(ProviderA, MapType.ThruHostBridge)]        // the provider's own function
    [InlineData(Nic, MapType.ThruHostBridge)]              // the client's own function
    [InlineData("0000:00:01.0", MapType.BusAddr)]          // above the common bridge: not on the path
    [InlineData("0000:02:03.0", MapType.BusAddr)]          // another port of the switch
    public void Acs_redirect_on_either_side_of_the_common_bridge(string bridge, MapType map)
    {
        var rules = new P2pRules(WithAcs(bridge));
        var explanation = rules.Explain(rules.IndexOf(PciAddress.Parse(ProviderA)), rules.IndexOf(PciAddress.Parse(Nic)));
        Assert.Equal(map, explanation.MapType);
        Assert.Equal(4, explanation.Distance);  // ACS changes the route, not the distance
        if (map == MapType.BusAddr)
        {
            Assert.Null(explanation.AcsHint);
        }
        else
        {
            Assert.Equal($"pci=disable_acs_redir={bridge}", explanation.AcsHint);
            Assert.Contains($"ACS redirect is set between the client and provider ({ProviderA})", explanation.Reason, StringComparison.Ordinal);
            Assert.Contains("add the kernel parameter: pci=disable_acs_redir=", explanation.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_acs_hint_lists_provider_side_then_client_side_bridges()
    {
        var rules = new P2pRules(WithAcs("0000:02:01.0", "0000:02:00.0", "0000:01:00.0"));
        var explanation = rules.Explain(rules.IndexOf(PciAddress.Parse(ProviderA)), rules.IndexOf(PciAddress.Parse(Nic)));
        Assert.Equal("pci=disable_acs_redir=0000:02:00.0;0000:01:00.0;0000:02:01.0", explanation.AcsHint);
    }

    [Fact]
    public void Acs_on_the_only_path_with_a_host_bridge_off_the_list_is_not_supported_with_both_reasons()
    {
        var topology = WithAcs("0000:02:00.0");
        var rules = new P2pRules(topology.WithCpu(CpuInfo.Unknown), HostBridgeAllowList.Kernel.With([]));
        // The captured 29c0 host bridge of QEMU is not on the list: a redirected pair cannot be served.
        var odd = new P2pRules(RulesHost.Load(Yaml(hostBridge0: "vendor: \"8086\", device: \"29c0\"")));
        Assert.Equal(MapType.ThruHostBridge, rules.Verdict(PciAddress.Parse(ProviderA), PciAddress.Parse(Nic)).MapType);
        var explanation = odd.Explain(odd.IndexOf(PciAddress.Parse(ProviderA)), odd.IndexOf(PciAddress.Parse(UnderRootPortB)));
        Assert.Equal(MapType.NotSupported, explanation.MapType);
        Assert.Contains($"cannot be used for peer-to-peer DMA as the client and provider ({ProviderA}) do not share an upstream bridge or whitelisted host bridge", explanation.Reason, StringComparison.Ordinal);
        Assert.Contains("Host bridge not in P2PDMA whitelist: 8086:29c0", explanation.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_function_with_its_own_acs_redirect_goes_through_the_host_bridge()
    {
        var rules = new P2pRules(WithAcs(ProviderA));
        var verdict = rules.Verdict(PciAddress.Parse(ProviderA), PciAddress.Parse(ProviderA));
        Assert.Equal((MapType.ThruHostBridge, 0), (verdict.MapType, verdict.Distance));
    }

    [Fact]
    public void Operator_allow_list_entries_are_honoured_with_a_warning()
    {
        var topology = Load(Yaml(hostBridge0: "vendor: \"8086\", device: \"29c0\""));
        var allowList = HostBridgeAllowList.Kernel.With([AllowListEntry.ParseOperatorEntry("8086:29c0")]);
        var rules = new P2pRules(topology, allowList);
        var explanation = rules.Explain(rules.IndexOf(PciAddress.Parse(UnderRootPortB)), rules.IndexOf(PciAddress.Parse(UnderRootPortC)));
        Assert.Equal(MapType.ThruHostBridge, explanation.MapType);
        Assert.Contains("silent data corruption", explanation.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8086")]
    [InlineData("8086:zzzz")]
    [InlineData("8086:2020:maybe")]
    [InlineData("123456:2020")]
    public void Bad_operator_allow_list_entries_are_refused_by_name(string entry)
    {
        var e = Assert.Throws<TopologyException>(() => AllowListEntry.ParseOperatorEntry(entry));
        Assert.Contains($"'{entry}'", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProviderA, ProviderA, P2pLevel.X)]
    [InlineData(ProviderA, ProviderAFunction1, P2pLevel.PIX)]
    [InlineData(ProviderA, Nic, P2pLevel.PIX)]             // one switch counts as one bridge
    [InlineData(ProviderA, NestedProvider, P2pLevel.PXB)]  // two switches
    [InlineData(UnderRootPortB, UnderRootPortC, P2pLevel.PHB)]
    [InlineData(ProviderA, UnderRootPortB, P2pLevel.PHB)]
    [InlineData(UnderRootPortB, OtherHostBridge, P2pLevel.SYS)]
    [InlineData("0000:00:01.0", ProviderA, P2pLevel.PIX)]  // a root port and a device under its switch: the switch alone is between them
    public void Levels(string a, string b, P2pLevel level)
    {
        var rules = new P2pRules(Load(Yaml()));
        Assert.Equal(level, rules.Level(rules.IndexOf(PciAddress.Parse(a)), rules.IndexOf(PciAddress.Parse(b))));
        Assert.Equal(level, rules.Level(rules.IndexOf(PciAddress.Parse(b)), rules.IndexOf(PciAddress.Parse(a))));
    }

    [Fact]
    public void Across_host_bridges_with_an_unknown_numa_node_the_level_is_node()
    {
        var rules = new P2pRules(Load(Yaml(numa1: -1)));
        Assert.Equal(P2pLevel.NODE, rules.Level(rules.IndexOf(PciAddress.Parse(UnderRootPortB)), rules.IndexOf(PciAddress.Parse(OtherHostBridge))));
    }

    [Fact]
    public void Distance_many_sums_and_refuses_any_unsupported_client_or_no_client()
    {
        var topology = Load(Yaml(hostBridge0: "vendor: \"8086\", device: \"29c0\""));
        var rules = new P2pRules(topology);
        int I(string a) => rules.IndexOf(PciAddress.Parse(a));
        Assert.Equal(4 + 2, rules.DistanceMany(I(ProviderA), [I(Nic), I(ProviderAFunction1)]));
        Assert.Equal(-1, rules.DistanceMany(I(ProviderA), [I(Nic), I(UnderRootPortB)]));
        Assert.Equal(-1, rules.DistanceMany(I(ProviderA), []));
    }

    [Fact]
    public void An_unknown_device_is_an_error_naming_it()
    {
        var rules = new P2pRules(Load(Yaml()));
        var e = Assert.Throws<TopologyException>(() => rules.Verdict(PciAddress.Parse("0000:42:00.0"), PciAddress.Parse(Nic)));
        Assert.Contains("0000:42:00.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("'rules'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fixture_verdicts_match_what_the_kernel_would_decide()
    {
        // switch1: two CMBs and a NIC on one switch; ACS is set on the root port above it, which is not on the path.
        var switch1 = new P2pRules(new Orchestrator.Topology.Sysfs.SysfsReader(Fixtures.Sysfs("switch1")).Read());
        var v = switch1.Verdict(PciAddress.Parse("0000:03:00.0"), PciAddress.Parse("0000:05:00.0"));
        Assert.Equal((MapType.BusAddr, 4), (v.MapType, v.Distance));
        // two-switches: the CMB behind switch A and the NIC behind switch B share no bridge; QEMU's 8086:29c0 is not allowed.
        var two = new P2pRules(new Orchestrator.Topology.Sysfs.SysfsReader(Fixtures.Sysfs("two-switches")).Read());
        var w = two.Verdict(PciAddress.Parse("0000:03:00.0"), PciAddress.Parse("0000:08:00.0"));
        Assert.Equal((MapType.NotSupported, 8), (w.MapType, w.Distance));
        var x = two.Verdict(PciAddress.Parse("0000:07:00.0"), PciAddress.Parse("0000:08:00.0"));
        Assert.Equal((MapType.BusAddr, 4), (x.MapType, x.Distance));
    }
}
