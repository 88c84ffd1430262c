using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestrator.Controller.Console;

/// <summary>
/// The web console at <c>/ui</c> (issue 16): three static files built into the controller's assembly (no separate
/// server, nothing fetched from a CDN), every page path answering the same <c>index.html</c> (the page routes itself),
/// assets under <c>/ui/assets/</c>. No front-end framework: the console is one ES module and hand-drawn SVG, which needs
/// no build step, no npm in the product's build and nothing that could go stale apart from our own code.
/// </summary>
public static class ConsoleEndpoints
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> Files = Load();

    /// <summary>Only our own files: no inline script, no other origin.</summary>
    private const string Policy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/ui", ["GET", "HEAD"], Page).ExcludeFromDescription();
        app.MapMethods("/ui/{**path}", ["GET", "HEAD"], (HttpContext http, string? path) => path is not null && path.StartsWith("assets/", StringComparison.Ordinal)
            ? Asset(http, path["assets/".Length..])
            : Page(http)).ExcludeFromDescription();
    }

    private static IResult Page(HttpContext http) => Send(http, Files["index.html"]);

    private static IResult Asset(HttpContext http, string name)
        => name is "index.html" || !Files.TryGetValue(name, out var file) ? Results.NotFound() : Send(http, file);

    private static IResult Send(HttpContext http, (byte[] Content, string Type) file)
    {
        // The files change with the controller's version only; a reload after an upgrade must not mix old and new.
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ContentSecurityPolicy = Policy;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return Results.Bytes(file.Content, file.Type);
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(ConsoleEndpoints).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource["console/".Length..];
            files[name] = (copy.ToArray(), Path.GetExtension(name) switch
            {
                ".html" => "text/html; charset=utf-8",
                ".js" => "text/javascript; charset=utf-8",
                ".css" => "text/css; charset=utf-8",
                _ => "application/octet-stream",
            });
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
