using System.Text.Json;
using Xunit.Abstractions;

namespace Orchestrator.RealKernel.Tests;

/// <summary>
/// Our p2pctl, node agent and controller on a live Linux 6.12 kernel under QEMU (one boot for all of these, see
/// <see cref="RealKernelFixture"/>): discovery against the kernel's own sysfs, placements with an NVMe-oF target
/// against the kernel's nvmet configfs, and our P2P verdicts against the kernel's accept or refuse of a namespace's
/// p2pmem at <c>enable</c>.
/// </summary>
public sealed class RealKernelTests(RealKernelFixture fixture, ITestOutputHelper output) : IClassFixture<RealKernelFixture>
{
    private GuestLog Log
    {
        get
        {
            var log = fixture.Log;
            output.WriteLine(fixture.Summary);
            return log;
        }
    }

    private IReadOnlyList<KernelFunction> KernelFunctions(GuestLog log)
    {
        var functions = log.JsonAll("kernel.pci").Select(KernelFunction.From).ToList();
        Assert.True(functions.Count > 0, "the guest listed no function under /sys/bus/pci/devices");
        Assert.Contains(functions, f => f.P2pmemSize is not null);
        return functions;
    }

    private string NamespaceFunction(GuestLog log) => log.Json("kernel.namespace").GetProperty("function").GetString()
        ?? throw new Xunit.Sdk.XunitException("no PCI function behind the nvmet namespace's device");

    private Dictionary<string, KernelEnable> KernelVerdicts(GuestLog log) =>
        log.JsonAll("kernel.enable").Select(KernelEnable.From).ToDictionary(e => e.Provider, StringComparer.Ordinal);

    private void AssertSameAsKernel(JsonElement document, GuestLog log, string what)
    {
        var kernel = KernelFunctions(log);
        var report = new List<string>();
        var differences = TopologyCheck.Differences(document, kernel, report);
        output.WriteLine($"{what}: {kernel.Count} functions in /sys/bus/pci/devices, {document.GetProperty("functions").GetArrayLength()} in ours");
        report.ForEach(output.WriteLine);
        Assert.True(differences.Count == 0, $"{what} differs from the live kernel:\n{string.Join('\n', differences)}");
    }

    [SkippableFact]
    public void P2pctl_on_the_live_sysfs_has_every_pci_function_with_its_bridges_and_every_p2pmem_provider()
    {
        var log = Log;
        Assert.Equal("0", log.Require("p2pctl.tree.rc"));
        AssertSameAsKernel(log.Json("p2pctl.tree"), log, "p2pctl topo tree --sysfs / --json");
    }

    [SkippableFact]
    public void The_nodes_discovery_as_the_controller_holds_it_equals_the_live_kernel()
    {
        var log = Log;
        Assert.Equal("1", log.Require("node.registered"));
        Assert.Equal("200", log.Require("node.topology.status"));
        AssertSameAsKernel(log.Json("node.topology"), log, "GET /api/v1/hosts/{host}/topology (the node's discovery)");
    }

    [SkippableFact]
    public void A_placement_with_an_nvmeof_target_sets_the_namespaces_p2pmem_to_the_provider_and_its_release_writes_0()
    {
        var log = Log;
        var client = NamespaceFunction(log);
        Assert.Equal("0", log.Json("b.before").GetProperty("p2pmem").GetString());
        var status = log.Require("b.place.status");
        Assert.True(status == "201", $"POST /api/v1/placements (client {client}, {log.Json("kernel.valid-subsystem").GetProperty("nqn")}/1) answered {status}: {GuestLog.Shorten(log.Value("b.place") ?? "")}");
        var placement = log.Json("b.place").GetProperty("placement");
        var provider = placement.GetProperty("provider").GetString()!;
        Assert.Equal("committed", placement.GetProperty("state").GetString());
        var applied = log.Json("b.applied");
        output.WriteLine($"placed on {provider} for client {client}; configfs p2pmem read {applied.GetProperty("p2pmem")} after {applied.GetProperty("seconds")} s");
        Assert.Contains(KernelFunctions(log), f => f.Address == provider && f.P2pmemSize is not null);
        Assert.Equal(provider, applied.GetProperty("p2pmem").GetString());
        Assert.Equal("0", applied.GetProperty("enable").GetString());

        var released = log.Json("b.released");
        output.WriteLine($"release answered {log.Value("b.release.status")}; p2pmem read {released.GetProperty("p2pmem")} after {released.GetProperty("seconds")} s");
        Assert.Equal("200", log.Require("b.release.status"));
        Assert.Equal("released", JsonDocument.Parse(log.Require("b.release")).RootElement.GetProperty("state").GetString());
        Assert.Equal("0", released.GetProperty("p2pmem").GetString());

        // The provider chosen for the namespace's own function is one the kernel lets the namespace enable with.
        Assert.True(KernelVerdicts(log).TryGetValue(provider, out var kernel), $"the guest did not try {provider} at enable");
        Assert.True(kernel.Accepted, $"the controller placed the namespace for {client} on {provider}, and the kernel {kernel.Describe()}");
    }

    [SkippableFact]
    public void The_kits_subsystem_testnqn_made_by_the_kernel_is_refused_by_our_nqn_rule_and_a_qualified_one_is_made_beside_it()
    {
        var log = Log;
        // The kernel's nvmet took 'testnqn' as a subsystem directory (the kit's /init made it; the c checks use it).
        Assert.Equal("0", log.Json("kernel.namespace").GetProperty("p2pmem").GetString());
        var status = log.Require("testnqn.place.status");
        var body = log.Value("testnqn.place") ?? "";
        output.WriteLine($"POST with subsystemNqn 'testnqn' (a name the kernel's nvmet took): {status} {GuestLog.Shorten(body)}");
        Assert.Equal("400", status);
        Assert.Contains("nvmeof.subsystemNqn", body, StringComparison.Ordinal);
        var valid = log.Json("kernel.valid-subsystem");
        output.WriteLine($"placements go to {valid.GetProperty("nqn")}/1 on {valid.GetProperty("devicePath")}");
        Assert.Equal(0, valid.GetProperty("rc").GetInt32());
        Assert.Equal("0", valid.GetProperty("p2pmem").GetString());
    }

    [SkippableFact]
    public void The_controllers_verdict_for_each_provider_agrees_with_the_kernel_enabling_the_namespace_with_it()
    {
        var log = Log;
        var client = NamespaceFunction(log);
        var kernel = KernelVerdicts(log);
        var providers = KernelFunctions(log).Where(f => f.P2pmemSize is not null).Select(f => f.Address).ToList();
        Assert.Equal(providers.Order(StringComparer.Ordinal), kernel.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("200", log.Require("explain.status"));
        var candidates = log.Json("explain").GetProperty("candidates").EnumerateArray()
            .ToDictionary(c => c.GetProperty("provider").GetString()!, StringComparer.Ordinal);
        var disagreements = new List<string>();
        foreach (var provider in providers)
        {
            var k = kernel[provider];
            Assert.Equal(client, k.Client);
            Assert.True(k.WriteRc == 0 && k.P2pmemRead == provider,
                $"the kernel did not take {provider} as the namespace's p2pmem (rc {k.WriteRc} '{k.WriteError}', reads '{k.P2pmemRead}')");
            Assert.Equal("0", k.P2pmemAfterReset);
            Assert.True(k.Accepted || k.RefusedEinval, $"{provider}: the kernel neither accepted nor refused with EINVAL: {k.Describe()}");
            if (!candidates.TryGetValue(provider, out var candidate))
            {
                disagreements.Add($"{provider}: the kernel {k.Describe()}, and the controller's explanation has no candidate for it");
                continue;
            }
            var verdict = candidate.GetProperty("clients").EnumerateArray().Single(v => v.GetProperty("client").GetString() == client);
            var mapType = verdict.GetProperty("mapType").GetString();
            var ours = mapType != "NOT_SUPPORTED";
            var line = $"{provider} for client {client}: kernel {k.Describe()}; controller {mapType} distance {verdict.GetProperty("distance")} " +
                $"level {verdict.GetProperty("level")} ({verdict.GetProperty("reason").GetString()})";
            output.WriteLine((ours == k.Accepted ? "agree: " : "DISAGREE: ") + line);
            if (!k.Accepted && k.Dmesg.Length > 0)
            {
                output.WriteLine($"  kernel log: {k.Dmesg.Replace('|', ' ')}");
            }
            if (ours != k.Accepted)
            {
                disagreements.Add(line);
            }
        }
        Assert.True(disagreements.Count == 0, "our verdicts differ from the kernel's:\n" + string.Join('\n', disagreements));
    }

    [SkippableFact]
    public void A_placement_for_the_nic_and_the_namespace_behind_different_switches_is_refused_and_leaves_p2pmem_alone()
    {
        var log = Log;
        var status = log.Require("pair.place.status");
        output.WriteLine($"POST for [{log.Value("kernel.nic")}, {NamespaceFunction(log)}] answered {status}: {GuestLog.Shorten(log.Value("pair.place") ?? "")}");
        if (status.StartsWith('2'))
        {
            // Placed after all: then it must be on a provider the kernel enables the namespace with.
            var provider = log.Json("pair.place").GetProperty("placement").GetProperty("provider").GetString()!;
            Assert.True(KernelVerdicts(log)[provider].Accepted, $"placed on {provider}, which the kernel refuses for the namespace");
        }
        Assert.Equal("422", status);
        Assert.Equal(JsonValueKind.Null, log.Json("pair.place").GetProperty("explanation").GetProperty("provider").ValueKind);
        Assert.Equal("0", log.Json("pair.after").GetProperty("p2pmem").GetString());
    }

    [SkippableFact]
    public void A_placement_for_the_nic_alone_is_placed_for_the_namespaces_drive_too_and_refused_when_no_provider_serves_both()
    {
        var log = Log;
        var drive = NamespaceFunction(log);
        var status = log.Require("nic.place.status");
        output.WriteLine($"POST for the NIC {log.Value("kernel.nic")} alone, namespace on {drive}: {status} {GuestLog.Shorten(log.Value("nic.place") ?? "")}");
        // Before issue 17 this was placed on the NIC's provider, applied, and refused by the kernel at enable (EINVAL).
        Assert.Equal("422", status);
        var explanation = log.Json("nic.place").GetProperty("explanation");
        Assert.Equal(drive, explanation.GetProperty("namespaceDevice").GetString());
        foreach (var candidate in explanation.GetProperty("candidates").EnumerateArray())
        {
            var verdict = candidate.GetProperty("clients").EnumerateArray().Single(v => v.GetProperty("client").GetString() == drive);
            Assert.Equal("namespace device", verdict.GetProperty("role").GetString());
            var provider = candidate.GetProperty("provider").GetString()!;
            // Every provider fails the NIC or the drive; for the drive, as the kernel's own enable did.
            if (verdict.GetProperty("mapType").GetString() != "NOT_SUPPORTED")
            {
                Assert.True(KernelVerdicts(log)[provider].Accepted, $"{provider}: ours serves {drive}, the kernel refused it");
            }
        }
        Assert.Equal("0", log.Json("nic.after").GetProperty("p2pmem").GetString());
    }

    private JsonElement ManagedPlacement(GuestLog log)
    {
        var status = log.Require("m.place.status");
        Assert.True(status == "201", $"POST for the NIC {log.Value("kernel.nic")} and namespace 2 with managed enable answered {status}: {GuestLog.Shorten(log.Value("m.place") ?? "")}");
        return log.Json("m.place").GetProperty("placement");
    }

    [SkippableFact]
    public void Managed_enable_for_the_nic_and_a_namespace_on_its_switch_is_placed_for_both_and_the_kernel_enables_it()
    {
        var log = Log;
        var drive = log.Json("kernel.other-namespace").GetProperty("function").GetString()!;
        var nic = log.Require("kernel.nic");
        var placement = ManagedPlacement(log);
        var provider = placement.GetProperty("provider").GetString()!;
        var applied = log.Json("m.applied");
        output.WriteLine($"placed for [{nic}] + namespace device {placement.GetProperty("namespaceDevice")} on {provider}; the node set p2pmem {applied.GetProperty("p2pmem")} "
            + $"and enable {applied.GetProperty("enable")} after {applied.GetProperty("seconds")} s");
        Assert.Equal(drive, placement.GetProperty("namespaceDevice").GetString());
        Assert.Equal([nic, drive], placement.GetProperty("clients").EnumerateArray().Select(c => c.GetString()!).ToArray());
        Assert.Equal(provider, applied.GetProperty("p2pmem").GetString());
        Assert.Equal("1", applied.GetProperty("enable").GetString());
        var nvmet = log.Json("m.view").GetProperty("nvmet");
        Assert.Equal("applied", nvmet.GetProperty("state").GetString());
        Assert.True(nvmet.GetProperty("enabled").GetBoolean());
    }

    [SkippableFact]
    public void A_managed_namespace_reset_behind_the_nodes_back_is_written_and_enabled_again()
    {
        var log = Log;
        var provider = ManagedPlacement(log).GetProperty("provider").GetString()!;
        var reset = log.Json("m.reset");
        Assert.Equal(("0", "0"), (reset.GetProperty("p2pmem").GetString(), reset.GetProperty("enable").GetString()));
        var healed = log.Json("m.healed");
        output.WriteLine($"reset to p2pmem 0, enable 0; the node wrote {healed.GetProperty("p2pmem")} and enable {healed.GetProperty("enable")} after {healed.GetProperty("seconds")} s");
        Assert.Equal(provider, healed.GetProperty("p2pmem").GetString());
        Assert.Equal("1", healed.GetProperty("enable").GetString());
    }

    [SkippableFact]
    public void A_managed_namespace_repointed_to_a_drive_its_provider_cannot_serve_shows_the_kernels_einval()
    {
        var log = Log;
        ManagedPlacement(log);
        var repointed = log.Json("m.repointed");
        Assert.Equal(0, repointed.GetProperty("devicePathRc").GetInt32());
        Assert.Equal(log.Json("kernel.namespace").GetProperty("devicePath").GetString(), repointed.GetProperty("devicePath").GetString());
        Assert.Equal("0", repointed.GetProperty("enable").GetString());
        var nvmet = log.Json("m.repointed.view").GetProperty("nvmet");
        output.WriteLine($"after {repointed.GetProperty("seconds")} s: nvmet {nvmet}");
        Assert.Equal("error", nvmet.GetProperty("state").GetString());
        Assert.Equal(22, nvmet.GetProperty("errno").GetInt32());
        var message = nvmet.GetProperty("message").GetString()!;
        Assert.Contains("EINVAL", message, StringComparison.Ordinal);
        Assert.Contains("kernel log:", message, StringComparison.Ordinal);
        Assert.Equal("200", log.Require("m.release.status"));
        Assert.Equal("0", log.Json("m.released").GetProperty("p2pmem").GetString());
    }

    [SkippableFact]
    public void The_guest_ran_every_step_and_stopped_the_programs()
    {
        var log = Log;
        foreach (var (name, host, uptime) in log.Milestones)
        {
            output.WriteLine($"{name}: host +{host:F1} s, guest uptime {uptime:F1} s");
        }
        output.WriteLine($"exit codes after SIGTERM: {log.Value("exit")}; controller host view: {GuestLog.Shorten(log.Value("controller.host") ?? "")}");
        Assert.Equal(0, fixture.GuestExitCode);
        Assert.NotNull(log.At("stopped"));
    }
}
