using Orchestrator.Controller.AllInOne;
using Orchestrator.Tests.Shared;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller.Tests.AllInOne;

public sealed class SimulatedHostsTests
{
    private static string Sample(string name) => Path.Combine(FixturePaths.RepoRoot, "deploy", "topologies", name);

    [Fact]
    public void Reads_every_file_in_name_order()
    {
        using var dir = new TempDirectory();
        foreach (var name in new[] { "storage-03.yaml", "storage-01.yaml", "storage-02.yaml" })
        {
            File.Copy(Sample(name), dir.Combine(name));
        }
        File.WriteAllText(dir.Combine("notes.txt"), "not a topology");

        var hosts = SimulatedHosts.Load(dir.Path);

        Assert.Equal(["storage-01", "storage-02", "storage-03"], hosts.Select(h => h.Topology.Host));
        Assert.All(hosts, h => Assert.Equal(dir.Combine(h.Topology.Host + ".yaml"), h.Source.TopologyFile));
    }

    [Fact]
    public void A_bad_file_stops_the_load_naming_the_first_bad_file_in_order()
    {
        using var dir = new TempDirectory();
        File.Copy(Sample("storage-01.yaml"), dir.Combine("a.yaml"));
        File.WriteAllText(dir.Combine("b.yaml"), "host: [unclosed");
        File.WriteAllText(dir.Combine("c.yaml"), "functions: 12");

        var e = Assert.Throws<TopologyException>(() => SimulatedHosts.Load(dir.Path));

        Assert.Contains("b.yaml", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_files_of_one_host_stop_the_load()
    {
        using var dir = new TempDirectory();
        File.Copy(Sample("storage-01.yaml"), dir.Combine("a.yaml"));
        File.Copy(Sample("storage-01.yaml"), dir.Combine("b.yaml"));

        var e = Assert.Throws<TopologyException>(() => SimulatedHosts.Load(dir.Path));

        Assert.Contains("b.yaml: host 'storage-01' is already simulated from", e.Message, StringComparison.Ordinal);
    }
}
