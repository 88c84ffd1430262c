using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orchestrator.Controller.Api;

/// <summary>
/// What the generated OpenAPI document needs beyond the endpoints' own metadata (issue 15), so that a linter passes
/// it and a reference page sends a token: the bearer scheme, required on the mutating operations and accepted on the
/// reads (which also answer without one on an open controller); an <c>operationId</c> for every operation, from its
/// method and path (<c>getHostsByHostTopology</c>); server URLs without a trailing slash; whole-number parameters and
/// fields typed as integers only.
/// </summary>
internal static class OpenApiContract
{
    public const string Bearer = "bearer";

    /// <summary>Query parameters read as text (for messages of our own) that take whole numbers.</summary>
    private static readonly Dictionary<string, string> WholeNumbers = new(StringComparer.Ordinal)
    {
        ["offset"] = "int32",
        ["limit"] = "int32",
        ["since"] = "int64",
        ["before"] = "int64",
    };

    /// <summary>The operations' tags, described (the reference page shows them as sections).</summary>
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Hosts"] = "Registered hosts: their PCI topology, level matrix, p2pmem pools, drains and rescans",
        ["Placements"] = "Buffers placed on p2pmem providers: place (idempotent), explain as a dry run, list, show, release",
        ["History"] = "Every journaled placement event: who asked, when, where, and why the closer providers were rejected",
        ["Health"] = "Liveness and readiness of this controller",
    };

    public static void Configure(OpenApiOptions options)
    {
        // The bridge's writer accepts numbers as strings when reading for others; request bodies are read strictly
        // (ApiJson.Strict: "1048576" is refused), so the contract says integer only.
        options.AddSchemaTransformer((schema, _, _) =>
        {
            if (schema.Type is { } type && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)) && type.HasFlag(JsonSchemaType.String))
            {
                schema.Type = type & ~JsonSchemaType.String;
                schema.Pattern = null;
            }
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, _, _) =>
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                if (parameter.Name is { } name && WholeNumbers.TryGetValue(name, out var format))
                {
                    parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = format };
                }
            }
            return Task.CompletedTask;
        });
        options.AddDocumentTransformer(Document);
    }

    private static Task Document(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellation)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A token of the controller's (Orchestrator__Api__Token, or a named token with its scopes), as 'Authorization: Bearer <token>'",
        };
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? new Dictionary<HttpMethod, OpenApiOperation>())
            {
                var required = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, document)] = [] };
                operation.Security = method == HttpMethod.Get || method == HttpMethod.Head ? [new OpenApiSecurityRequirement(), required] : [required];
                operation.OperationId ??= OperationId(method, path);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary><c>GET /api/v1/hosts/{host}/topology</c> → <c>getHostsByHostTopology</c>.</summary>
    public static string OperationId(HttpMethod method, string path)
    {
        var words = path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Where(s => s is not ("api" or "v1"))
            .Select(s => s.StartsWith('{') ? "By" + Pascal(s.Trim('{', '}')) : Pascal(s));
        return method.Method.ToLowerInvariant() + string.Concat(words);
    }

    private static string Pascal(string segment)
        => string.Concat(segment.Split('-', '.', '_').Where(w => w.Length > 0).Select(w => char.ToUpper(w[0], CultureInfo.InvariantCulture) + w[1..]));
}
