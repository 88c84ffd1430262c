using System.Text;
using System.Text.Json;
using Orchestrator.Cli.Remote;

namespace Orchestrator.Cli.Output;

/// <summary>
/// The controller's JSON for <c>--json</c>: its fields and values as sent, indented like p2pctl's other JSON
/// (the server answers compact), so the output is stable whatever the server's formatting.
/// </summary>
internal static class ServerJson
{
    public static string Pretty(string body)
    {
        using var document = Parse(body);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            document.WriteTo(writer);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The controller's answer as a document, or one line saying it is not JSON.</summary>
    public static JsonDocument Parse(string body)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new ControllerException($"the controller's answer is not JSON: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
