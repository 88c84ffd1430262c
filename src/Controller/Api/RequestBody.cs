using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Orchestrator.Controller.Api;

/// <summary>
/// Reads a JSON request body within a size limit and turns every way it can be wrong (too large, not JSON, broken,
/// wrong types, unknown fields, empty) into a problem response that says what and where.
/// </summary>
public static class RequestBody
{
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, int maxBytes, bool optional = false)
        where T : class
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, Problems.TooLarge(maxBytes));
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return (null, Problems.TooLarge(maxBytes));
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own verdict on the framing: past MaxRequestBodySize (413), a malformed chunk, a truncated body.
            return (null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? Problems.TooLarge(maxBytes)
                : Problems.Invalid($"the request body could not be read: {e.Message}"));
        }
        catch (IOException e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports a chunk size that overflows as an IOException ("Bad chunk size data"), not as a bad request.
            return (null, Problems.Invalid($"the request body could not be read: {e.Message}"));
        }
        if (buffer.Length == 0 || IsBlank(buffer))
        {
            return optional ? (null, null) : (null, Problems.Invalid("the request body is empty: a JSON object is expected"));
        }
        if (!IsJson(request.ContentType))
        {
            return (null, Problems.UnsupportedMediaType(request.ContentType));
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), ApiJson.Strict);
            return value is null
                ? (null, Problems.Invalid("the request body is JSON null: a JSON object is expected"))
                : (value, null);
        }
        catch (JsonException e)
        {
            // Field errors use the body's own field names ("sizeBytes", "clients[1]"), as validation does.
            var (field, message) = JsonMistakes.Explain(e, typeof(T), ApiJson.Strict);
            return (null, Problems.Invalid($"{field}: {message}", new Dictionary<string, string[]> { [field] = [message] }));
        }
    }

    private static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }
        var media = contentType.Split(';')[0].Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsBlank(MemoryStream buffer)
    {
        foreach (var b in buffer.GetBuffer().AsSpan(0, (int)buffer.Length))
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }
        return true;
    }
}
