using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests.Nvmet;

/// <summary>
/// The nvmet configfs layout built in a temp directory, as the kernel presents it: each call reads the namespace,
/// takes the step the kernel allows and reports what it reads afterwards (issue 13).
/// </summary>
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
        var applied = applier.Converge(new ApplyNvmet("p1", "04:00.0", Nqn, 1));
        Assert.Equal((NvmetState.Applied, "0000:04:00.0", "0000:04:00.0", false), (applied.State, applied.Desired, applied.Actual, applied.Enabled));
        Assert.Equal("0000:04:00.0\n", Read("p2pmem"));

        var released = applier.Release(new ReleaseNvmet("p1", Nqn, 1));
        Assert.Equal((NvmetState.Applied, null, "0"), (released.State, released.Desired, released.Actual));
        Assert.Equal("0\n", Read("p2pmem"));
    }

    [Fact]
    public void A_value_reset_behind_our_back_is_rewritten_and_says_so()
    {
        var applier = new NvmetApplier(configfs.Path, enabled: true);
        applier.Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        File.WriteAllText(Path.Combine(Namespace(), "p2pmem"), "0\n");  // nvmetcli restore after a reboot

        var healed = applier.Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetState.Applied, healed.State);
        Assert.Contains("(it read 0: rewritten)", healed.Message, StringComparison.Ordinal);
        Assert.Equal("0000:04:00.0\n", Read("p2pmem"));
    }

    [Fact]
    public void An_enabled_namespace_with_another_value_is_pending_disable_and_left_alone()
    {
        File.WriteAllText(Path.Combine(Namespace(), "enable"), "1\n");
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal((NvmetState.PendingDisable, "0", true), (status.State, status.Actual, status.Enabled));
        Assert.Contains("manageEnable", status.Message, StringComparison.Ordinal);
        Assert.Equal("0\n", Read("p2pmem"));
    }

    [Fact]
    public void Managed_enable_disables_writes_and_enables_again()
    {
        File.WriteAllText(Path.Combine(Namespace(), "enable"), "1\n");
        var applier = new NvmetApplier(configfs.Path, enabled: true);
        var status = applier.Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1, ManageEnable: true));
        Assert.Equal((NvmetState.Applied, "0000:04:00.0", true), (status.State, status.Actual, status.Enabled));
        Assert.Equal(("0000:04:00.0\n", "1\n"), (Read("p2pmem"), Read("enable")));

        File.WriteAllText(Path.Combine(Namespace(), "enable"), "0\n");
        Assert.True(applier.Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1, ManageEnable: true)).Enabled);  // enabled again, value untouched
        Assert.Equal(("0000:04:00.0\n", "1\n"), (Read("p2pmem"), Read("enable")));
    }

    [Fact]
    public void Releasing_an_enabled_namespace_without_managed_enable_is_pending_disable()
    {
        var applier = new NvmetApplier(configfs.Path, enabled: true);
        applier.Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        File.WriteAllText(Path.Combine(Namespace(), "enable"), "1\n");
        var released = applier.Release(new ReleaseNvmet("p1", Nqn, 1));
        Assert.Equal((NvmetState.PendingDisable, null, "0000:04:00.0"), (released.State, released.Desired, released.Actual));
    }

    [Theory]
    [InlineData("nqn.2014-08.org.example:other", 1, "no nvmet subsystem 'nqn.2014-08.org.example:other'")]
    [InlineData(Nqn, 7, "has no namespace 7")]
    public void A_missing_subsystem_or_namespace_is_missing(string nqn, int nsid, string message)
    {
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", nqn, nsid));
        Assert.Equal(NvmetState.Missing, status.State);
        Assert.Contains(message, status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_configfs_without_nvmet_is_missing_and_says_where_it_looked()
    {
        var status = new NvmetApplier(Path.Combine(configfs.Path, "elsewhere"), enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetState.Missing, status.State);
        Assert.Contains("no nvmet under", status.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../etc", 1, "subsystemNqn '../../etc' is not an NVMe qualified name")]
    [InlineData("..", 1, "subsystemNqn '..' is not an NVMe qualified name")]
    [InlineData(Nqn, 0, "namespaceId 0 is not positive")]
    public void Bad_identities_are_errors_naming_the_value(string nqn, int nsid, string message)
    {
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", nqn, nsid));
        Assert.Equal(NvmetState.Error, status.State);
        Assert.Contains(message, status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subsystem_whose_name_is_not_an_nqn_is_refused_before_configfs_is_touched()
    {
        // The kernel would let an administrator create subsystems/testnqn; the shared rules refuse to name it.
        var ns = configfs.Combine("nvmet", "subsystems", "testnqn", "namespaces", "1");
        Directory.CreateDirectory(ns);
        File.WriteAllText(Path.Combine(ns, "enable"), "0\n");
        File.WriteAllText(Path.Combine(ns, "p2pmem"), "0\n");

        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", "testnqn", 1));
        Assert.Equal(NvmetState.Error, status.State);
        Assert.StartsWith("subsystemNqn 'testnqn' is not an NVMe qualified name", status.Message, StringComparison.Ordinal);
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(ns, "p2pmem")));
    }

    [Fact]
    public void An_unwritable_p2pmem_attribute_is_an_error_naming_the_path_and_errno()
    {
        var p2pmem = Path.Combine(Namespace(), "p2pmem");
        File.Delete(p2pmem);
        Directory.CreateDirectory(p2pmem);  // cannot be read or written as a file, even by root
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetState.Error, status.State);
        Assert.Contains(p2pmem, status.Message, StringComparison.Ordinal);
        Assert.NotNull(status.Errno);
    }

    [Theory]
    [InlineData("garbage\n", "reads 'garbage', neither 0, 1 nor a PCI address")]
    [InlineData("\n", "reads '', neither 0, 1 nor a PCI address")]
    public void A_p2pmem_that_reads_garbage_is_an_error_and_is_not_overwritten(string content, string message)
    {
        File.WriteAllText(Path.Combine(Namespace(), "p2pmem"), content);
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal(NvmetState.Error, status.State);
        Assert.Contains(message, status.Message, StringComparison.Ordinal);
        Assert.Equal(content, Read("p2pmem"));
    }

    [Fact]
    public void A_kernel_without_the_p2pmem_attribute_says_it_lacks_p2pdma()
    {
        File.Delete(Path.Combine(Namespace(), "p2pmem"));
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal((NvmetState.Error, 2), (status.State, status.Errno));
        Assert.Contains("CONFIG_PCI_P2PDMA", status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switched_off_it_only_reads_and_reports_drift()
    {
        var status = new NvmetApplier(configfs.Path, enabled: false).Converge(new ApplyNvmet("p1", "0000:04:00.0", Nqn, 1));
        Assert.Equal((NvmetState.Drift, "0"), (status.State, status.Actual));
        Assert.Contains("switched off", status.Message, StringComparison.Ordinal);
        Assert.Equal("0\n", Read("p2pmem"));
    }

    [Fact]
    public void A_malformed_provider_is_an_error()
    {
        var status = new NvmetApplier(configfs.Path, enabled: true).Converge(new ApplyNvmet("p1", "0000:zz:00.0", Nqn, 1));
        Assert.Equal(NvmetState.Error, status.State);
        Assert.Contains("'0000:zz:00.0'", status.Message, StringComparison.Ordinal);
    }

    private string Read(string attribute) => File.ReadAllText(Path.Combine(Namespace(), attribute));
}
