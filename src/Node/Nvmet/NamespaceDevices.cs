using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Node.Nvmet;

/// <summary>
/// Answers which PCI function backs an nvmet namespace (issue 17): its configfs <c>device_path</c>, then the block
/// device's place in sysfs (<see cref="BlockDeviceFunctions"/>). The namespace must exist and have a p2pmem attribute
/// (<see cref="NvmetApplier.Read"/>); every refusal names the path it read.
/// </summary>
public sealed class NamespaceDevices(NvmetApplier nvmet, string sysfsRoot)
{
    private readonly BlockDeviceFunctions blocks = new(sysfsRoot);

    public NamespaceResolved Resolve(string host, ResolveNamespace request)
    {
        NamespaceResolved Refused(string problem, string? devicePath = null, string? block = null, string? function = null)
            => new(host, request.SubsystemNqn, request.NamespaceId, devicePath, block, function, problem);

        var reading = nvmet.Read(request.SubsystemNqn, request.NamespaceId);
        if ((reading.Missing ?? reading.Problem) is { } unreadable)
        {
            return Refused(unreadable);
        }
        var file = Path.Combine(reading.Path, "device_path");
        string devicePath;
        try
        {
            devicePath = File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var errno = NvmetApplier.Errno(e);
            return Refused($"reading {file} failed: {e.Message}{(errno is { } n ? $" (errno {n})" : string.Empty)}");
        }
        if (devicePath.Length == 0)
        {
            return Refused($"{file} is empty: the namespace has no backing device yet");
        }
        var block = blocks.Resolve(devicePath);
        return block.Problem is { } problem
            ? Refused($"namespace {request.NamespaceId} of '{request.SubsystemNqn}' ({devicePath}): {problem}", devicePath, block.BlockDevice, block.Function?.ToString())
            : new NamespaceResolved(host, request.SubsystemNqn, request.NamespaceId, devicePath, block.BlockDevice, block.Function!.Value.ToString(), null);
    }
}
