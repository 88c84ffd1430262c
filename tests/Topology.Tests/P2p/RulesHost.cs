using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Tests.P2p;

/// <summary>
/// A declared host exercising every rule of ARCHITECTURE §5: one switch with functions, a VF and a NIC, a nested
/// switch, endpoints straight under root ports, and a second host bridge on another NUMA node.
/// </summary>
internal static class RulesHost
{
    public const string ProviderA = "0000:03:00.0";    // NVMe + CMB under switch 1, port 02:00.0
    public const string ProviderAFunction1 = "0000:03:00.1";
    public const string ProviderAVf = "0000:03:00.2";
    public const string Nic = "0000:04:00.0";          // under switch 1, port 02:01.0
    public const string NicUnpublishedPool = "0000:04:00.1";
    public const string ProviderB = "0000:0a:00.0";    // under switch 1, port 02:03.0
    public const string NestedProvider = "0000:07:00.0"; // switch 2 behind switch 1
    public const string UnderRootPortB = "0000:08:00.0";
    public const string UnderRootPortC = "0000:09:00.0";
    public const string OtherHostBridge = "0000:81:00.0";

    public static string Yaml(
        string cpu = "{ vendor: GenuineIntel, family: 6 }",
        string hostBridge0 = "vendor: \"8086\", device: \"2020\"",
        string hostBridge1 = "vendor: \"8086\", device: \"2020\"",
        int numa1 = 1,
        string acs = "") => $$"""
        host: rules
        cpu: {{cpu}}
        hostBridges: [ { root: "0000:00", numaNode: 0 }, { root: "0000:80", numaNode: {{numa1}} } ]
        functions:
          - { address: "0000:00:00.0", {{hostBridge0}}, class: "060000", label: Host bridge }
          - { address: "0000:00:01.0", class: "060400" }
          - { address: "0000:01:00.0", parent: "0000:00:01.0", class: "060400" }
          - { address: "0000:02:00.0", parent: "0000:01:00.0", class: "060400" }
          - { address: "0000:02:01.0", parent: "0000:01:00.0", class: "060400" }
          - { address: "0000:02:02.0", parent: "0000:01:00.0", class: "060400" }
          - { address: "0000:02:03.0", parent: "0000:01:00.0", class: "060400" }
          - address: "0000:03:00.0"
            parent: "0000:02:00.0"
            class: "010802"
            label: NVMe A
            link: { speed: 16.0, width: 4, maxSpeed: 16.0, maxWidth: 4 }
            p2pmem: { size: 67108864, available: 67108864, published: true }
          - { address: "0000:03:00.1", parent: "0000:02:00.0", class: "010802" }
          - { address: "0000:03:00.2", parent: "0000:02:00.0", physfn: "0000:03:00.0", class: "010802" }
          - { address: "0000:04:00.0", parent: "0000:02:01.0", class: "020000", label: RNIC }
          - { address: "0000:04:00.1", parent: "0000:02:01.0", class: "020000", p2pmem: { size: 1048576, available: 1048576, published: false } }
          - { address: "0000:0a:00.0", parent: "0000:02:03.0", class: "010802", p2pmem: { size: 33554432, available: 33554432, published: true } }
          - { address: "0000:05:00.0", parent: "0000:02:02.0", class: "060400" }
          - { address: "0000:06:00.0", parent: "0000:05:00.0", class: "060400" }
          - { address: "0000:07:00.0", parent: "0000:06:00.0", class: "010802", p2pmem: { size: 33554432, available: 33554432, published: true } }
          - { address: "0000:00:02.0", class: "060400" }
          - { address: "0000:08:00.0", parent: "0000:00:02.0", class: "010802", p2pmem: { size: 33554432, available: 33554432, published: true } }
          - { address: "0000:00:03.0", class: "060400" }
          - { address: "0000:09:00.0", parent: "0000:00:03.0", class: "020000" }
          - { address: "0000:80:00.0", {{hostBridge1}}, class: "060000" }
          - { address: "0000:80:01.0", class: "060400" }
          - { address: "0000:81:00.0", parent: "0000:80:01.0", class: "010802", p2pmem: { size: 33554432, available: 33554432, published: true } }
        {{acs}}
        """;

    public static HostTopology Load(string yaml) => TopologyFile.Parse(yaml, "rules.yaml");

    /// <summary>The host with ACS redirect set on the given bridges.</summary>
    public static HostTopology WithAcs(params string[] bridges)
    {
        var topology = Load(Yaml());
        var functions = topology.Functions.Select(f => bridges.Contains(f.Address.ToString()) ? f with { AcsRedirect = true } : f);
        return HostTopology.Build("rules+acs", topology.Host, topology.Cpu, functions, topology.HostBridges.ToDictionary(b => b.Root, b => b.NumaNode));
    }
}
