using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Node.Tests.Nvmet;

/// <summary>Which PCI function backs an nvmet namespace (issue 17): configfs <c>device_path</c> then sysfs, every refusal with its path.</summary>
public sealed class NamespaceDevicesTests : IDisposable
{
    private const string Nqn = "nqn.2014-08.org.example:storage-01";
    private readonly TempDirectory configfs = new();
    private readonly TempDirectory sysfs = new();

    public void Dispose()
    {
        configfs.Dispose();
        sysfs.Dispose();
    }

    private NamespaceResolved Resolve(int id = 1)
        => new NamespaceDevices(new NvmetApplier(configfs.Path, enabled: false), sysfs.Path).Resolve("storage-01", new ResolveNamespace(Nqn, id));

    [Fact]
    public void A_namespace_on_an_nvme_drive_resolves_to_the_drives_function()
    {
        FakeNvmet.Namespace(configfs.Path, Nqn, 1, "/dev/nvme-t4n1");
        FakeNvmet.BlockDevice(sysfs.Path, "nvme-t4n1", "0000:04:00.0");
        Assert.Equal(new NamespaceResolved("storage-01", Nqn, 1, "/dev/nvme-t4n1", "nvme-t4n1", "0000:04:00.0", null), Resolve());
    }

    [Fact]
    public void A_namespace_that_does_not_exist_says_which()
    {
        FakeNvmet.Namespace(configfs.Path, Nqn, 1, "/dev/nvme-t4n1");
        var resolved = Resolve(2);
        Assert.Null(resolved.Function);
        Assert.StartsWith($"subsystem '{Nqn}' has no namespace 2", resolved.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_without_a_device_yet_is_refused()
    {
        var ns = FakeNvmet.Namespace(configfs.Path, Nqn, 1, null);
        Assert.Equal($"{Path.Combine(ns, "device_path")} is empty: the namespace has no backing device yet", Resolve().Problem);
    }

    [Fact]
    public void A_namespace_on_a_virtual_device_is_refused_with_its_device_path()
    {
        FakeNvmet.Namespace(configfs.Path, Nqn, 1, "/dev/md-t9");
        FakeNvmet.BlockDevice(sysfs.Path, "md-t9", null);
        var resolved = Resolve();
        Assert.Equal(("/dev/md-t9", "md-t9", null), (resolved.DevicePath, resolved.BlockDevice, resolved.Function));
        Assert.StartsWith($"namespace 1 of '{Nqn}' (/dev/md-t9): block device md-t9", resolved.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void No_nvmet_at_all_is_said_so()
    {
        Assert.Equal($"no nvmet under {configfs.Path} (configfs not mounted, or the nvmet module not loaded)", Resolve().Problem);
    }
}
