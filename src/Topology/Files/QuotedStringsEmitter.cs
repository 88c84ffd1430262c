using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace Orchestrator.Topology.Files;

/// <summary>
/// Writes every string value double-quoted (issue 15): a plain <c>0000:00:00.0</c> is a sexagesimal float to a YAML
/// 1.1 reader such as PyYAML (0.0), and <c>060000</c> an octal integer (24576). Quoting strings only, never numbers or
/// booleans, keeps every reader's types as ours.
/// </summary>
internal sealed class QuotedStringsEmitter(IEventEmitter next) : ChainedEventEmitter(next)
{
    public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
    {
        if (eventInfo.Source.Type == typeof(string) && eventInfo.Source.Value is not null)
        {
            eventInfo.Style = ScalarStyle.DoubleQuoted;
        }
        base.Emit(eventInfo, emitter);
    }
}
