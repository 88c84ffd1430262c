using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests.Nvmet;

/// <summary>The nvmet configfs layout built in a temp directory, as the kernel presents it.</summary>
public sealed class NvmetApplierTests : IDisposable
{
    private const string Nqn = "nqn.2014-08.org.example:storage-01";
    private readonly TempDirectory configfs = new();

    public NvmetApplierTests()
    {
        var ns = configfs.Combine("nvmet", "subsystems", Nqn, "namespaces", "1");
        Directory.CreateDirectory(ns);
        File.WriteAllText(Path.Combine(ns, "enable"), "0\n");
        File.WriteAllText(Path.Combine(ns, "p2pmem"), "0\n");
    }

    public void Dispose() => configfs.Dispose();

    private string Namespace(int id = 1) => configfs.Combine("nvmet", "subsystems", Nqn, "namespaces", id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Applies_the_provider_address_while_the_namespace_is_disabled_and_releases_with_0()
    {
        var applier = new NvmetApplier(configfs.Path, enabled: true);
        var applied = applier.Apply(new ApplyNvmet("p1", "04:00.0", Nqn, 1));
        Assert.Equal(NvmetOutcome.Applied, applied.Outcome);
        Assert.Equal("0000:04:00.0\n", File.ReadAllText(Path.Combine(Namespace(), "p2pmem")));

        Assert.Equal(NvmetOutcome.Applied, applier.Release(new ReleaseNvmet("p1", Nqn, 1)).Outcome);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(Namespace(), "p2pmem")));
    }

    [Fact]
    public void An_enabled_namespace_is_busy_and_left_alone()
    {
        File.WriteAllText(Path.Combine(Namespace(), "enable"), "1\n");
        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetOutcome.Busy, result.Outcome);
        Assert.Contains("enabled", result.Message, StringComparison.Ordinal);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(Namespace(), "p2pmem")));
    }

    [Theory]
    [InlineData("nqn.2014-08.org.example:other", 1, "no nvmet subsystem 'nqn.2014-08.org.example:other'")]
    [InlineData(Nqn, 7, "has no namespace 7")]
    public void A_missing_subsystem_or_namespace_is_missing(string nqn, int nsid, string message)
    {
        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:04:00.0", nqn, nsid));
        Assert.Equal(NvmetOutcome.Missing, result.Outcome);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc", 1, "subsystemNqn '../../etc' is not an NVMe qualified name")]
    [InlineData("..", 1, "subsystemNqn '..' is not an NVMe qualified name")]
    [InlineData(Nqn, 0, "namespaceId 0 is not positive")]
    public void Bad_identities_are_errors_naming_the_value(string nqn, int nsid, string message)
    {
        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:04:00.0", nqn, nsid));
        Assert.Equal(NvmetOutcome.Error, result.Outcome);
        Assert.Contains(message, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subsystem_whose_name_is_not_an_nqn_is_refused_before_configfs_is_touched()
    {
        // The kernel would let an administrator create subsystems/testnqn; the shared rules refuse to name it.
        var ns = configfs.Combine("nvmet", "subsystems", "testnqn", "namespaces", "1");
        Directory.CreateDirectory(ns);
        File.WriteAllText(Path.Combine(ns, "enable"), "0\n");
        File.WriteAllText(Path.Combine(ns, "p2pmem"), "0\n");

        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:04:00.0", "testnqn", 1));
        Assert.Equal(NvmetOutcome.Error, result.Outcome);
        Assert.StartsWith("subsystemNqn 'testnqn' is not an NVMe qualified name", result.Message, StringComparison.Ordinal);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(ns, "p2pmem")));
    }

    [Fact]
    public void An_unwritable_p2pmem_attribute_is_an_error_naming_the_path()
    {
        var p2pmem = Path.Combine(Namespace(), "p2pmem");
        File.Delete(p2pmem);
        Directory.CreateDirectory(p2pmem);  // cannot be written as a file, even by root
        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetOutcome.Error, result.Outcome);
        Assert.Contains(p2pmem, result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switched_off_it_touches_nothing()
    {
        var result = new NvmetApplier(configfs.Path, enabled: false).Apply(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetOutcome.Disabled, result.Outcome);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(Namespace(), "p2pmem")));
    }

    [Fact]
    public void A_malformed_provider_is_an_error()
    {
        var result = new NvmetApplier(configfs.Path, enabled: true).Apply(new ApplyNvmet("p1", "0000:zz:00.0", Nqn, 1));
        Assert.Equal(NvmetOutcome.Error, result.Outcome);
        Assert.Contains("'0000:zz:00.0'", result.Message, StringComparison.Ordinal);
    }
}
