using System.Net;
using System.Text.Json;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>Checks on problem+json answers.</summary>
internal static class ApiAssert
{
    /// <summary>Asserts the status and a problem+json body of the given type suffix; returns the body.</summary>
    public static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string? type = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(text).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("title").GetString()));
        if (type is not null)
        {
            Assert.Equal("urn:p2pmem-orchestrator:problem:" + type, body.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
        }
        return body;
    }

    public static string[] FieldErrors(JsonElement problem, string field)
        => problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()!).ToArray();
}
