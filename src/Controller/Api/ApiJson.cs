using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Controller.Api;

/// <summary>The REST bridge's JSON: the protocol's style (camelCase, enums as camelCase strings), strict on input.</summary>
public static class ApiJson
{
    /// <summary>For reading request bodies: an unknown or misspelt field is an error, not silently dropped.</summary>
    public static readonly JsonSerializerOptions Strict = new(ProtocolSerializer.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
        NumberHandling = JsonNumberHandling.Strict,
    };
}
