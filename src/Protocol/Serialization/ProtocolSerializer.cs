using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Orchestrator.Protocol.Serialization;

/// <summary>
/// The serializer Akka uses for every <see cref="IProtocolMessage"/> (ARCHITECTURE §9): System.Text.Json with
/// camelCase names and enums as strings, under the type's stable manifest. Akka's default serializer
/// (Newtonsoft, full CLR type names) is never used for our types.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public const int Id = 1701;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public override int Identifier => Id;

    public override string Manifest(object o) => ProtocolTypes.ManifestOf(o.GetType());

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), Options);

    public override object FromBinary(byte[] bytes, string manifest)
        => JsonSerializer.Deserialize(bytes, ProtocolTypes.TypeOf(manifest), Options)
           ?? throw new System.Runtime.Serialization.SerializationException($"manifest '{manifest}' decoded to null");
}
