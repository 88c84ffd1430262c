using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Rules;

namespace Orchestrator.Node.Nvmet;

/// <summary>
/// Reads and writes Linux nvmet through configfs (ARCHITECTURE §7.4):
/// <c>&lt;root&gt;/nvmet/subsystems/&lt;nqn&gt;/namespaces/&lt;nsid&gt;/{p2pmem,enable}</c>. Each call reads the
/// namespace, takes the step <see cref="NvmetConvergence"/> allows, reads it again and reports what the kernel shows
/// (<see cref="NvmetStatus"/>), with the path and errno of any failure. Never throws for what configfs does.
/// </summary>
public sealed class NvmetApplier(string configfsRoot, bool enabled, KernelLog? kernelLog = null)
{
    /// <summary>Where Linux mounts configfs.</summary>
    public const string DefaultConfigfsRoot = "/sys/kernel/config";

    private readonly KernelLog kernelLog = kernelLog ?? new KernelLog();

    public string Root { get; } = configfsRoot;

    /// <summary>Whether this node may write configfs; without it, it only reads and reports drift.</summary>
    public bool Enabled { get; } = enabled;

    /// <summary>Brings the namespace to the placement's provider (and, with managed enable, enables it).</summary>
    public NvmetStatus Converge(ApplyNvmet desired)
    {
        if (!PciAddress.TryParse(desired.Provider, out var provider, out var error))
        {
            return Status(desired.AllocationId, desired.SubsystemNqn, desired.NamespaceId, desired.Provider, null, NvmetState.Error, error, null);
        }
        return Converge(desired.AllocationId, desired.SubsystemNqn, desired.NamespaceId, provider.ToString(), desired.ManageEnable, released: false);
    }

    /// <summary>Gives the namespace back to host memory (<c>0</c>); the status has no desired provider.</summary>
    public NvmetStatus Release(ReleaseNvmet request) => Converge(request.AllocationId, request.SubsystemNqn, request.NamespaceId, "0", request.ManageEnable, released: true);

    /// <summary>The namespace's attributes, or why they cannot be read.</summary>
    public NamespaceReading Read(string nqn, int namespaceId)
    {
        // The same rules as the controller's, again here: nothing reaches configfs that they refuse, whoever sent it.
        if ((RequestRules.SubsystemNqn(nqn) ?? RequestRules.NamespaceId(namespaceId)) is { } invalid)
        {
            return new NamespaceReading(Root, null, null, null, invalid, null);
        }
        var subsystems = Path.Combine(Root, "nvmet", "subsystems");
        var subsystem = Path.Combine(subsystems, nqn);
        var ns = Path.Combine(subsystem, "namespaces", namespaceId.ToString(CultureInfo.InvariantCulture));
        if (!Directory.Exists(Path.Combine(Root, "nvmet")))
        {
            return new NamespaceReading(ns, $"no nvmet under {Root} (configfs not mounted, or the nvmet module not loaded)", null, null, null, null);
        }
        if (!Directory.Exists(subsystem))
        {
            return new NamespaceReading(ns, $"no nvmet subsystem '{nqn}' under {subsystems}", null, null, null, null);
        }
        if (!Directory.Exists(ns))
        {
            return new NamespaceReading(ns, $"subsystem '{nqn}' has no namespace {namespaceId} ({ns})", null, null, null, null);
        }
        var p2pmemPath = Path.Combine(ns, "p2pmem");
        if (!File.Exists(p2pmemPath))
        {
            return new NamespaceReading(ns, null, null, null,
                $"{p2pmemPath} does not exist: this kernel's nvmet has no p2pmem attribute (built without CONFIG_PCI_P2PDMA), so no namespace can use p2pmem", 2);
        }
        var enablePath = Path.Combine(ns, "enable");
        var (p2pmem, p2pmemProblem) = ReadValue(p2pmemPath);
        var (enable, enableProblem) = ReadValue(enablePath);
        if ((p2pmemProblem ?? enableProblem) is { } problem)
        {
            return new NamespaceReading(ns, null, p2pmem, null, problem.Message, problem.Errno);
        }
        if (enable is not ("0" or "1"))
        {
            return new NamespaceReading(ns, null, p2pmem, null, $"{enablePath} reads '{enable}', not 0 or 1", null);
        }
        if (p2pmem!.Length == 0 || (p2pmem is not ("0" or "1") && !PciAddress.TryParse(p2pmem, out _, out _)))
        {
            return new NamespaceReading(ns, null, p2pmem, enable == "1", $"{p2pmemPath} reads '{p2pmem}', neither 0, 1 nor a PCI address", null);
        }
        return new NamespaceReading(ns, null, p2pmem, enable == "1", null, null);
    }

    private NvmetStatus Converge(string placementId, string nqn, int namespaceId, string desired, bool manageEnable, bool released)
    {
        var what = $"namespace {namespaceId} of '{nqn}'";
        var before = Read(nqn, namespaceId);
        var step = NvmetConvergence.Next(before, desired, Enabled, manageEnable);
        var failure = step switch
        {
            NvmetStep.None => null,
            NvmetStep.Write => Write(before.Path, "p2pmem", desired),
            NvmetStep.WriteAndEnable => Write(before.Path, "p2pmem", desired) ?? Enable(before.Path, desired),
            NvmetStep.Enable => Enable(before.Path, desired),
            NvmetStep.Cycle => Write(before.Path, "enable", "0") ?? Write(before.Path, "p2pmem", desired) ?? Enable(before.Path, desired),
            _ => null,
        };
        var after = step == NvmetStep.None ? before : Read(nqn, namespaceId);
        var shownDesired = released ? null : desired;
        if (failure is not null)
        {
            return Status(placementId, nqn, namespaceId, shownDesired, after, NvmetState.Error, $"{what}: {failure.Value.Message}", failure.Value.Errno);
        }
        var (state, message) = NvmetConvergence.Classify(after, desired, Enabled, what);
        if (step != NvmetStep.None && state == NvmetState.Applied)
        {
            message += before.Readable && before.P2pmem is not null && !NvmetConvergence.Same(before.P2pmem, desired) ? $" (it read {before.P2pmem}: rewritten)" : string.Empty;
        }
        return Status(placementId, nqn, namespaceId, shownDesired, after, state, message, after.Errno);
    }

    /// <summary>Writes one attribute; null on success, else the message and errno.</summary>
    private static (string Message, int? Errno)? Write(string ns, string attribute, string value)
    {
        var path = Path.Combine(ns, attribute);
        try
        {
            File.WriteAllText(path, value + "\n");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var errno = Errno(e);
            return ($"writing '{value}' to {path} failed: {e.Message}{ErrnoSuffix(errno)}", errno);
        }
    }

    /// <summary>Enables the namespace; a refusal carries the kernel's own reason from its log where that can be read.</summary>
    private (string Message, int? Errno)? Enable(string ns, string provider)
    {
        if (Write(ns, "enable", "1") is not { } failure)
        {
            return null;
        }
        if (failure.Errno != 22)
        {
            return failure;
        }
        return ($"the kernel refused to enable it with p2pmem {provider} (EINVAL: the provider cannot serve the namespace's device or the target's ports); "
            + $"kernel log: {kernelLog.Recent(provider)}", 22);
    }

    private static (string? Value, (string Message, int? Errno)? Problem) ReadValue(string path)
    {
        try
        {
            return (File.ReadAllText(path).Trim(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var errno = Errno(e);
            return (null, ($"reading {path} failed: {e.Message}{ErrnoSuffix(errno)}", errno));
        }
    }

    /// <summary>The errno behind a .NET I/O exception on Linux: .NET keeps it as the HResult of a plain IOException.</summary>
    public static int? Errno(Exception e) => e switch
    {
        UnauthorizedAccessException => 13,
        FileNotFoundException or DirectoryNotFoundException => 2,
        IOException { HResult: > 0 and < 4096 } io => io.HResult,
        _ => null,
    };

    private static string ErrnoSuffix(int? errno) => errno is { } n ? $" (errno {n}{(Names.TryGetValue(n, out var name) ? " " + name : string.Empty)})" : string.Empty;

    private static readonly Dictionary<int, string> Names = new() { [1] = "EPERM", [2] = "ENOENT", [5] = "EIO", [13] = "EACCES", [16] = "EBUSY", [19] = "ENODEV", [21] = "EISDIR", [22] = "EINVAL", [30] = "EROFS" };

    private static NvmetStatus Status(string placementId, string nqn, int namespaceId, string? desired, NamespaceReading? reading, NvmetState state, string message, int? errno)
        => new(placementId, nqn, namespaceId, desired, reading?.P2pmem, reading?.Enabled, state, message, errno, DateTime.UtcNow);
}
