using Microsoft.AspNetCore.Http;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// Every error of the REST bridge as <c>application/problem+json</c> (RFC 9457): a stable <c>type</c> per kind of
/// error, a human <c>detail</c>, field errors for validation, and the explanation for 422.
/// </summary>
public static class Problems
{
    public const string TypePrefix = "urn:p2pmem-orchestrator:problem:";

    public static IResult Invalid(string detail, IDictionary<string, string[]>? errors = null)
        => errors is { Count: > 0 }
            ? TypedResults.ValidationProblem(errors, detail, type: TypePrefix + "invalid-request", title: "The request is not valid")
            : Problem(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail);

    public static IResult Unauthorized(string detail)
        => Problem(StatusCodes.Status401Unauthorized, "unauthorized", "A bearer token is required", detail,
            headers: new Dictionary<string, string> { ["WWW-Authenticate"] = "Bearer" });

    public static IResult Forbidden(string detail)
        => Problem(StatusCodes.Status403Forbidden, "forbidden", "The token's scope does not allow this", detail);

    public static IResult TooManyRequests(string detail)
        => Problem(StatusCodes.Status429TooManyRequests, "too-many-requests", "Too many requests", detail);

    public static IResult TooLarge(int limit)
        => Problem(StatusCodes.Status413PayloadTooLarge, "body-too-large", "The request body is too large", $"the body exceeds {limit} bytes");

    public static IResult UnsupportedMediaType(string? contentType)
        => Problem(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "The body must be JSON", NotJson(contentType));

    public static IResult Unavailable(string detail)
        => Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", "Not available now", detail);

    public static IResult NotFound(string type, string detail)
        => Problem(StatusCodes.Status404NotFound, type, "Not found", detail);

    /// <summary>Maps the coordinator's refusal to the status codes of ARCHITECTURE §10.</summary>
    public static IResult From(PlacementRejected rejected) => rejected.Kind switch
    {
        PlacementErrorKind.Invalid => Invalid(rejected.Message),
        PlacementErrorKind.UnknownHost => NotFound("unknown-host", rejected.Message),
        PlacementErrorKind.UnknownDevice => NotFound("unknown-device", rejected.Message),
        PlacementErrorKind.UnknownPlacement => NotFound("unknown-placement", rejected.Message),
        PlacementErrorKind.Conflict => Problem(StatusCodes.Status409Conflict, "conflict", "Conflict", rejected.Message),
        PlacementErrorKind.Draining => Problem(StatusCodes.Status409Conflict, "draining", "The host or provider is draining", rejected.Message),
        PlacementErrorKind.NoCompatibleProvider => Problem(StatusCodes.Status422UnprocessableEntity, "no-compatible-provider",
            "No provider fits", rejected.Message, new Dictionary<string, object?> { ["explanation"] = rejected.Explanation }),
        PlacementErrorKind.UnusableNamespace => Problem(StatusCodes.Status422UnprocessableEntity, "unusable-namespace",
            "The NVMe-oF namespace cannot take p2pmem", rejected.Message),
        _ => Unavailable(rejected.Message),
    };

    /// <summary>The type and a detail for a status ASP.NET answered by itself.</summary>
    public static (string Type, string Detail) ForStatus(int status, HttpRequest request) => status switch
    {
        StatusCodes.Status404NotFound => (TypePrefix + "not-found", $"no resource at {request.Path}"),
        StatusCodes.Status405MethodNotAllowed => (TypePrefix + "method-not-allowed", $"{request.Method} is not allowed on {request.Path}"),
        StatusCodes.Status415UnsupportedMediaType => (TypePrefix + "unsupported-media-type", NotJson(request.ContentType)),
        StatusCodes.Status413PayloadTooLarge => (TypePrefix + "body-too-large", "the request body is too large"),
        StatusCodes.Status400BadRequest => (TypePrefix + "invalid-request", "the request is not valid"),
        _ => (TypePrefix + "error", "the request failed"),
    };

    private static string NotJson(string? contentType) => $"Content-Type '{contentType ?? "(none)"}' is not application/json";

    private static IResult Problem(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null, IDictionary<string, string>? headers = null)
    {
        var result = TypedResults.Problem(detail, statusCode: status, title: title, type: TypePrefix + type, extensions: extensions);
        return headers is null ? result : new WithHeaders(result, headers);
    }

    private sealed class WithHeaders(IResult inner, IDictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }
            return inner.ExecuteAsync(httpContext);
        }
    }
}
