using Orchestrator.Protocol;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Rules;

namespace Orchestrator.Node.Nvmet;

/// <summary>
/// Applies placements to Linux nvmet through configfs (ARCHITECTURE §7.4): writes the provider's address to
/// <c>&lt;root&gt;/nvmet/subsystems/&lt;nqn&gt;/namespaces/&lt;nsid&gt;/p2pmem</c>, which the kernel accepts only
/// while the namespace's <c>enable</c> reads 0; on release writes 0 (no p2pmem: host memory).
/// </summary>
public sealed class NvmetApplier(string configfsRoot, bool enabled)
{
    /// <summary>Where Linux mounts configfs.</summary>
    public const string DefaultConfigfsRoot = "/sys/kernel/config";

    public string Root { get; } = configfsRoot;

    public bool Enabled { get; } = enabled;

    public NvmetResult Apply(ApplyNvmet request)
    {
        if (!PciAddress.TryParse(request.Provider, out var provider, out var error))
        {
            return new NvmetResult(request.AllocationId, NvmetOutcome.Error, error);
        }
        return Write(request.AllocationId, request.SubsystemNqn, request.NamespaceId, provider.ToString());
    }

    public NvmetResult Release(ReleaseNvmet request) => Write(request.AllocationId, request.SubsystemNqn, request.NamespaceId, "0");

    private NvmetResult Write(string allocationId, string nqn, int namespaceId, string value)
    {
        if (!Enabled)
        {
            return new NvmetResult(allocationId, NvmetOutcome.Disabled, "applying to nvmet is switched off on this node");
        }
        // The same rules as the controller's, again here: nothing reaches configfs that they refuse, whoever sent it.
        if ((RequestRules.SubsystemNqn(nqn) ?? RequestRules.NamespaceId(namespaceId)) is { } invalid)
        {
            return new NvmetResult(allocationId, NvmetOutcome.Error, invalid);
        }
        var subsystem = Path.Combine(Root, "nvmet", "subsystems", nqn);
        if (!Directory.Exists(subsystem))
        {
            return new NvmetResult(allocationId, NvmetOutcome.Missing, $"no nvmet subsystem '{nqn}' under {Path.Combine(Root, "nvmet", "subsystems")}");
        }
        var ns = Path.Combine(subsystem, "namespaces", namespaceId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (!Directory.Exists(ns))
        {
            return new NvmetResult(allocationId, NvmetOutcome.Missing, $"subsystem '{nqn}' has no namespace {namespaceId} ({ns})");
        }
        var enablePath = Path.Combine(ns, "enable");
        var p2pmemPath = Path.Combine(ns, "p2pmem");
        try
        {
            var enable = File.ReadAllText(enablePath).Trim();
            if (enable != "0")
            {
                return new NvmetResult(allocationId, NvmetOutcome.Busy, $"namespace {namespaceId} of '{nqn}' is enabled ({enablePath} reads '{enable}'); disable it to change p2pmem");
            }
            File.WriteAllText(p2pmemPath, value + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new NvmetResult(allocationId, NvmetOutcome.Error, $"{(e is UnauthorizedAccessException ? "cannot write" : "I/O error on")} {p2pmemPath}: {e.Message}");
        }
        return new NvmetResult(allocationId, NvmetOutcome.Applied, $"{p2pmemPath} = {value}");
    }
}
