using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Rules;
using Orchestrator.Topology.P2p;

namespace Orchestrator.Controller.Placement;

/// <summary>Turns a placement request into a <see cref="PlacementRequest"/> or a specific refusal naming the field and value.</summary>
public static class RequestValidation
{
    /// <summary>
    /// A <see cref="PlaceBuffer"/> as it arrives, possibly straight over remoting without the REST edge: its request
    /// id and NVMe-oF target by <see cref="RequestRules"/>, then everything <see cref="Validate(HostState?, string, IReadOnlyList{string}?, long, Protocol.Controller.PlacementPolicy?, out PlacementRequest?)"/> checks.
    /// </summary>
    public static PlacementRejected? Validate(HostState? host, PlaceBuffer place, out PlacementRequest? request)
    {
        request = null;
        if (RequestRules.RequestId(place.RequestId) is { } idError)
        {
            return Invalid(idError);
        }
        return Nvmeof(place.Nvmeof) ?? Validate(host, place.Host, place.Clients, place.SizeBytes, place.Policy, out request);
    }

    /// <summary>An NVMe-oF target by <see cref="RequestRules"/> (null: none, or a valid one).</summary>
    public static PlacementRejected? Nvmeof(Protocol.Controller.NvmeofTarget? target)
        => target is not null && RequestRules.Nvmeof(target).Select(p => p.Message).FirstOrDefault() is { } error ? Invalid($"nvmeof: {error}") : null;

    public static PlacementRejected? Validate(HostState? host, string hostName, IReadOnlyList<string>? clients, long sizeBytes, Protocol.Controller.PlacementPolicy? policy, out PlacementRequest? request)
    {
        request = null;
        if (RequestRules.SizeBytes(sizeBytes) is { } sizeError)
        {
            return Invalid(sizeError);
        }
        if (RequestRules.ClientCount(clients?.Count ?? 0) is { } countError)
        {
            return Invalid(countError);
        }
        var mode = PlacementModes.Parse(policy?.Mode);
        if (mode is null)
        {
            return Invalid($"policy.mode '{policy!.Mode}' is not one of {PlacementModes.Names}");
        }
        P2pLevel? maxLevel = null;
        if (policy?.MaxLevel is { } levelText)
        {
            maxLevel = ParseLevel(levelText);
            if (maxLevel is null)
            {
                return Invalid($"policy.maxLevel '{levelText}' is not one of {LevelNames}");
            }
        }
        PciAddress? pinned = null;
        if (policy?.Provider is { } providerText)
        {
            if (!PciAddress.TryParse(providerText, out var p, out var error))
            {
                return Invalid($"policy.provider: {error}");
            }
            pinned = p;
        }
        var addresses = new List<PciAddress>();
        foreach (var c in clients!)
        {
            if (!PciAddress.TryParse(c, out var a, out var error))
            {
                return Invalid($"clients: {error}");
            }
            addresses.Add(a);
        }
        if (host is null)
        {
            return new PlacementRejected(PlacementErrorKind.UnknownHost, $"unknown host '{hostName}'", null);
        }
        foreach (var a in pinned is { } pinnedAddress ? [.. addresses, pinnedAddress] : addresses)
        {
            if (host.Topology.Find(a) is null)
            {
                return new PlacementRejected(PlacementErrorKind.UnknownDevice, $"device {a} is not a function of host '{hostName}'", null);
            }
        }
        if (pinned is { } pin && host.Topology.Get(pin).P2pMem is not { Size: > 0 })
        {
            return Invalid($"policy.provider {pin} has no p2pmem on host '{hostName}'");
        }
        request = new PlacementRequest(addresses, sizeBytes, mode, maxLevel, pinned);
        return null;
    }

    public const string LevelNames = "X, PIX, PXB, PHB, NODE, SYS";

    /// <summary>A level by name (case-insensitive; numbers are not names); unknown is null.</summary>
    public static P2pLevel? ParseLevel(string level) => ParseName<P2pLevel>(level);

    /// <summary>An enum member by name (case-insensitive); numbers, even of defined values, are not names.</summary>
    public static TEnum? ParseName<TEnum>(string text)
        where TEnum : struct, Enum
        => Enum.TryParse<TEnum>(text, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(text, out _) ? parsed : null;

    private static PlacementRejected Invalid(string message) => new(PlacementErrorKind.Invalid, message, null);
}
