using System.Collections.Frozen;
using System.Reflection;

namespace Orchestrator.Protocol.Serialization;

/// <summary>The registry of protocol types and their manifests, built once from this assembly.</summary>
public static class ProtocolTypes
{
    private static readonly FrozenDictionary<Type, string> ManifestByType;
    private static readonly FrozenDictionary<string, Type> TypeByManifest;

    static ProtocolTypes()
    {
        var types = typeof(IProtocolMessage).Assembly.GetTypes()
            .Where(t => typeof(IProtocolMessage).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .ToList();
        var missing = types.Where(t => t.GetCustomAttribute<ManifestAttribute>() is null).Select(t => t.FullName).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"protocol types without a [Manifest]: {string.Join(", ", missing)}");
        }
        var pairs = types.Select(t => (Type: t, t.GetCustomAttribute<ManifestAttribute>()!.Name)).ToList();
        var duplicate = pairs.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"manifest '{duplicate.Key}' is used by {string.Join(" and ", duplicate.Select(d => d.Type.FullName))}");
        }
        ManifestByType = pairs.ToFrozenDictionary(p => p.Type, p => p.Name);
        TypeByManifest = pairs.ToFrozenDictionary(p => p.Name, p => p.Type);
    }

    public static IEnumerable<Type> All => ManifestByType.Keys;

    public static string ManifestOf(Type type)
        => ManifestByType.TryGetValue(type, out var manifest) ? manifest
            : throw new ArgumentException($"{type.FullName} is not a protocol type (IProtocolMessage with a [Manifest])", nameof(type));

    public static Type TypeOf(string manifest)
        => TypeByManifest.TryGetValue(manifest, out var type) ? type
            : throw new ArgumentException($"unknown protocol manifest '{manifest}'", nameof(manifest));
}
