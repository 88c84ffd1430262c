namespace Orchestrator.Protocol;

/// <summary>
/// Marks every message that crosses processes and every persisted event or snapshot. All of them are bound to
/// <see cref="Serialization.ProtocolSerializer"/>; each names its stable, versioned manifest with
/// <see cref="ManifestAttribute"/>, so renaming a CLR type never breaks a journal.
/// </summary>
public interface IProtocolMessage;

/// <summary>The stable wire name of a protocol type, e.g. <c>pool.buffer-allocated.v1</c>.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ManifestAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
