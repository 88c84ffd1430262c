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

/// <summary>
/// A request only a member with role <c>controller</c> may send across remoting: what the coordinator asks a node
/// (allocate, free, nvmet, snapshots, its answers to a registration) and what the REST bridge asks the coordinator
/// (place, release, drain, reads). Nodes and strangers are refused (<c>Hosting.Remoting.SenderCheck</c>).
/// </summary>
public interface IControllerRequest : IProtocolMessage;

/// <summary>A message only a member with role <c>node</c> may send across remoting: registrations and a node's reports and answers.</summary>
public interface INodeReport : IProtocolMessage;
