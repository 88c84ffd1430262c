using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Serialization;

namespace Orchestrator.Cli.Remote;

/// <summary>
/// The controller's REST bridge (<c>/api/v1</c>, ARCHITECTURE §10) as p2pctl uses it: synchronous calls (a command
/// does one thing and exits), JSON in the protocol's style, and every failure turned into a
/// <see cref="ControllerException"/> whose message is one line and never carries the token.
/// </summary>
internal sealed class ControllerClient : IDisposable
{
    /// <summary>Request bodies leave unset fields out rather than sending nulls.</summary>
    private static readonly JsonSerializerOptions BodyJson = new(ProtocolSerializer.Options) { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly HttpClient http;
    private readonly string? token;

    public ControllerClient(Uri server, string? token, TimeSpan timeout, HttpMessageHandler? handler = null)
    {
        Server = server;
        this.token = string.IsNullOrEmpty(token) ? null : token;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        http.Timeout = timeout;
    }

    public Uri Server { get; }

    /// <summary>A reply: the status and the body exactly as the server sent it.</summary>
    public sealed record Reply(HttpStatusCode Status, string Body)
    {
        public T As<T>() => Decode<T>(Body);
    }

    public Reply Get(string path) => Send(HttpMethod.Get, path, body: null, idempotencyKey: null);

    public Reply Delete(string path) => Send(HttpMethod.Delete, path, body: null, idempotencyKey: null);

    public Reply Post(string path, object? body, string? idempotencyKey = null) => Send(HttpMethod.Post, path, body, idempotencyKey);

    /// <summary>
    /// Reads a Server-Sent Events stream (<c>text/event-stream</c>) and hands each event's id, name and data to
    /// <paramref name="onEvent"/> until it returns false. A stream that drops (the controller restarts, the connection
    /// breaks) is reopened with <c>Last-Event-ID</c> after <paramref name="retry"/>, so nothing is missed or doubled;
    /// <paramref name="onDrop"/> hears why. A refusal (4xx) ends it with a <see cref="ControllerException"/>.
    /// </summary>
    public void Stream(string path, Func<string?, string, string, bool> onEvent, Action<string> onDrop, TimeSpan retry, CancellationToken cancel = default)
    {
        string? lastId = null;
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                using var request = Request(HttpMethod.Get, path, "text/event-stream");
                if (lastId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastId);
                }
                using var response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancel);
                if (!response.IsSuccessStatusCode)
                {
                    using var error = new StreamReader(response.Content.ReadAsStream(cancel), Encoding.UTF8);
                    var (message, _) = Describe(response, error.ReadToEnd());
                    throw new ControllerException(message, null, (int)response.StatusCode);
                }
                using var reader = new StreamReader(response.Content.ReadAsStream(cancel), Encoding.UTF8);
                string? id = null, name = null;
                var data = new StringBuilder();
                while (reader.ReadLine() is { } line)
                {
                    if (line.Length == 0)
                    {
                        if (data.Length > 0)
                        {
                            lastId = id ?? lastId;
                            if (!onEvent(id, name ?? "message", data.ToString()))
                            {
                                return;
                            }
                        }
                        (id, name) = (null, null);
                        data.Clear();
                        continue;
                    }
                    var colon = line.IndexOf(':', StringComparison.Ordinal);
                    var (field, value) = colon < 0 ? (line, string.Empty) : (line[..colon], line[(colon + 1)..].TrimStart(' '));
                    switch (field)
                    {
                        case "id":
                            id = value;
                            break;
                        case "event":
                            name = value;
                            break;
                        case "data":
                            data.Append(data.Length > 0 ? "\n" : string.Empty).Append(value);
                            break;
                    }
                }
                onDrop("the controller closed the event stream");
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                onDrop($"cannot reach the controller at {Server}: {e.Message}");
            }
            catch (IOException e)
            {
                onDrop($"the event stream from {Server} broke: {e.Message}");
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return;
            }
            catch (TaskCanceledException)
            {
                onDrop($"the controller at {Server} did not answer within {http.Timeout.TotalSeconds:0.###} s");
            }
            if (cancel.WaitHandle.WaitOne(retry))
            {
                return;
            }
        }
    }

    /// <summary>Escapes one path segment (a host name or a placement id).</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    /// <summary>A query string from the parameters that have a value.</summary>
    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? string.Empty : "?" + string.Join('&', given);
    }

    private Reply Send(HttpMethod method, string path, object? body, string? idempotencyKey)
    {
        using var request = Request(method, path, "application/json", "application/problem+json");
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), BodyJson), Encoding.UTF8, "application/json");
        }
        try
        {
            using var response = http.Send(request, HttpCompletionOption.ResponseContentRead);
            using var reader = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            var text = reader.ReadToEnd();
            if (!response.IsSuccessStatusCode)
            {
                var (message, explanation) = Describe(response, text);
                throw new ControllerException(message, explanation, (int)response.StatusCode);
            }
            return new Reply(response.StatusCode, text);
        }
        catch (HttpRequestException e)
        {
            throw new ControllerException(e.InnerException is SocketException || e.HttpRequestError == HttpRequestError.ConnectionError
                ? $"cannot reach the controller at {Server}: {e.Message}"
                : $"the request to the controller at {Server} failed: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            throw new ControllerException($"the controller at {Server} did not answer within {http.Timeout.TotalSeconds:0.###} s");
        }
        catch (IOException e)
        {
            throw new ControllerException($"the connection to the controller at {Server} failed: {e.Message}");
        }
    }

    /// <summary>A request to the controller accepting <paramref name="accept"/>, with the token when there is one.</summary>
    private HttpRequestMessage Request(HttpMethod method, string path, params string[] accept)
    {
        var request = new HttpRequestMessage(method, new Uri(Server, path.TrimStart('/')));
        foreach (var media in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(media));
        }
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return request;
    }

    /// <summary>One line for an error reply: status and title, detail, then every field error (and a 422's explanation).</summary>
    private static (string Message, PlacementExplanation? Explanation) Describe(HttpResponseMessage response, string text)
    {
        var status = (int)response.StatusCode;
        var media = response.Content.Headers.ContentType?.MediaType;
        if (media is not null && media.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var problem = JsonSerializer.Deserialize<ProblemBody>(text, ProtocolSerializer.Options);
                if (problem is not null && (problem.Title is not null || problem.Detail is not null))
                {
                    var line = new StringBuilder($"{status} {problem.Title ?? response.ReasonPhrase}");
                    if (!string.IsNullOrWhiteSpace(problem.Detail))
                    {
                        line.Append(": ").Append(problem.Detail);
                    }
                    if (problem.Errors is { Count: > 0 } errors)
                    {
                        line.Append(" (").AppendJoin("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")).Append(')');
                    }
                    return (OneLine(line.ToString()), problem.Explanation);
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all: fall through to the raw text.
            }
        }
        var snippet = OneLine(text).Trim();
        if (snippet.Length > 200)
        {
            snippet = snippet[..200] + "…";
        }
        return ($"{status} {response.ReasonPhrase}" + (snippet.Length > 0 ? $": {snippet}" : string.Empty), null);
    }

    /// <summary>The controller's JSON as <typeparamref name="T"/>; a <see cref="ControllerException"/> in one line when it is not one.</summary>
    public static T Decode<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, ProtocolSerializer.Options)
                ?? throw new ControllerException($"the controller answered null where {typeof(T).Name} was expected");
        }
        catch (JsonException e)
        {
            throw new ControllerException($"the controller's answer is not a {typeof(T).Name}: {OneLine(e.Message)}");
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    public void Dispose() => http.Dispose();

    private sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, Dictionary<string, string[]>? Errors, PlacementExplanation? Explanation);
}

/// <summary>
/// The controller could not be reached or refused the request; the message is the one line p2pctl prints. A 422
/// (no compatible provider) carries the controller's explanation.
/// </summary>
internal sealed class ControllerException(string message, PlacementExplanation? explanation = null, int? status = null) : Exception(message)
{
    public PlacementExplanation? Explanation { get; } = explanation;

    /// <summary>The HTTP status the controller answered; null when it did not answer.</summary>
    public int? Status { get; } = status;
}
