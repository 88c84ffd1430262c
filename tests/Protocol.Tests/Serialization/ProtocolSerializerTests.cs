using System.Collections;
using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Protocol.Topology;

namespace Orchestrator.Protocol.Tests.Serialization;

/// <summary>Every protocol type round-trips through our serializer, and Akka picks our serializer for it, never its default.</summary>
public sealed class ProtocolSerializerTests : IDisposable
{
    private static readonly Config Bound = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.protocol = "{{typeof(ProtocolSerializer).AssemblyQualifiedName}}"
          serialization-bindings { "{{typeof(IProtocolMessage).AssemblyQualifiedName}}" = protocol }
        }
        """);

    private readonly ActorSystem system = ActorSystem.Create("serialization", Bound);

    public void Dispose() => system.Terminate().Wait(TimeSpan.FromSeconds(10));

    public static TheoryData<string> Manifests()
    {
        var data = new TheoryData<string>();
        foreach (var t in ProtocolTypes.All.OrderBy(t => t.FullName))
        {
            data.Add(ProtocolTypes.ManifestOf(t));
        }
        return data;
    }

    [Fact]
    public void There_are_protocol_types_and_every_manifest_is_versioned()
    {
        Assert.NotEmpty(ProtocolTypes.All);
        Assert.All(ProtocolTypes.All, t => Assert.Matches(@"^[a-z-]+(\.[a-z-]+)+\.v\d+$", ProtocolTypes.ManifestOf(t)));
    }

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Round_trips_with_our_serializer(string manifest)
    {
        var type = ProtocolTypes.TypeOf(manifest);
        var sample = Sample(type);
        var serializer = system.Serialization.FindSerializerFor(sample);
        Assert.IsType<ProtocolSerializer>(serializer);
        Assert.Equal(ProtocolSerializer.Id, serializer.Identifier);

        var bytes = serializer.ToBinary(sample);
        var back = system.Serialization.Deserialize(bytes, serializer.Identifier, manifest);
        Assert.IsType(type, back);
        Assert.Equal(Json(sample), Json(back));
    }

    [Fact]
    public void Nvmet_states_are_spelled_as_the_api_documents_them()
    {
        Assert.Equal("\"pending-disable\"", System.Text.Json.JsonSerializer.Serialize(Orchestrator.Protocol.Node.NvmetState.PendingDisable, ProtocolSerializer.Options));
        Assert.Equal(Orchestrator.Protocol.Node.NvmetState.PendingDisable,
            System.Text.Json.JsonSerializer.Deserialize<Orchestrator.Protocol.Node.NvmetState>("\"pending-disable\"", ProtocolSerializer.Options));
        Assert.All(Enum.GetValues<Orchestrator.Protocol.Node.NvmetState>(), s => Assert.Equal(
            "\"" + Orchestrator.Protocol.Node.NvmetStates.Name(s) + "\"", System.Text.Json.JsonSerializer.Serialize(s, ProtocolSerializer.Options)));
        Assert.Equal(Orchestrator.Protocol.Node.NvmetState.Drift, Orchestrator.Protocol.Node.NvmetStates.Parse("drift"));
        Assert.Null(Orchestrator.Protocol.Node.NvmetStates.Parse("drifting"));
    }

    [Fact]
    public void An_unknown_manifest_is_refused_by_name()
    {
        var serializer = new ProtocolSerializer((ExtendedActorSystem)system);
        var e = Assert.Throws<ArgumentException>(() => serializer.FromBinary([], "pool.no-such-thing.v9"));
        Assert.Contains("pool.no-such-thing.v9", e.Message, StringComparison.Ordinal);
    }

    private static string Json(object o) => System.Text.Json.JsonSerializer.Serialize(o, o.GetType(), ProtocolSerializer.Options);

    /// <summary>An instance with a non-default value in every constructor parameter, so a dropped field shows.</summary>
    private static object Sample(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Value(p.ParameterType, p.Name!)).ToArray();
        return ctor.Invoke(args);
    }

    private static object? Value(Type t, string name)
    {
        if (Nullable.GetUnderlyingType(t) is { } inner)
        {
            return Value(inner, name);
        }
        if (t == typeof(string))
        {
            return name + "-value";
        }
        if (t == typeof(long) || t == typeof(int))
        {
            return Convert.ChangeType(42, t, System.Globalization.CultureInfo.InvariantCulture);
        }
        if (t == typeof(double))
        {
            return 0.25;
        }
        if (t == typeof(bool))
        {
            return true;
        }
        if (t == typeof(DateTime))
        {
            return new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);
        }
        if (t.IsEnum)
        {
            var values = Enum.GetValues(t);
            return values.GetValue(values.Length - 1);
        }
        if (t == typeof(TopologyDocument))
        {
            return new TopologyDocument { Host = "h", Functions = [new FunctionDocument { Address = "0000:03:00.0", P2pmem = new P2pMemDocument { Size = 8192, Available = 4096, Published = true } }] };
        }
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            var element = t.GetGenericArguments()[0];
            var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
            list.Add(element == typeof(string) ? "item" : element.IsClass && element != typeof(DiagnosticDocument) ? Sample(element) : Activator.CreateInstance(element));
            return list;
        }
        if (t.IsClass)
        {
            return t.GetConstructors().Any(c => c.GetParameters().Length > 0) ? Sample(t) : Activator.CreateInstance(t);
        }
        throw new NotSupportedException($"no sample for {t} ({name})");
    }
}
