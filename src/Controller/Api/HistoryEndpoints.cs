using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Orchestrator.Controller.History;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Api;

/// <summary>
/// The placement history (issue 16): <c>GET /api/v1/events</c> pages the coordinator's journaled events newest first
/// (or oldest first <c>since</c> a sequence number), <c>?watch=true</c> streams them as Server-Sent Events resumable
/// with <c>Last-Event-ID</c>, and <c>GET /api/v1/placements/{id}/history</c> answers who placed a buffer, when, where and why.
/// </summary>
public static class HistoryEndpoints
{
    /// <summary>How often an idle event stream sends a comment, so that proxies and clients see it is alive.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/events", Events).WithTags("History")
            .Produces<HistoryPage>().Produces(StatusCodes.Status200OK, contentType: "text/event-stream").ProducesProblem(StatusCodes.Status400BadRequest)
            .WithSummary("The placement history from the journal: newest first (before= pages back), oldest first since= a sequence number, or with watch=true as Server-Sent Events resumable with Last-Event-ID; filtered by host and placement");
        api.MapGet("/placements/{id}/history", PlacementHistory).WithTags("History")
            .Produces<HistoryPage>().ProducesProblem(StatusCodes.Status404NotFound)
            .WithSummary("Every journaled event of one placement, oldest first: who asked, when, where, and why the closer providers were rejected");
    }

    private static async Task<IResult> Events(HttpContext http, HistoryFeed feed, IOptions<JsonOptions> json, string? host, string? placement, string? since, string? before, string? limit,
        [System.ComponentModel.Description("'true': stream new events as text/event-stream")] string? watch)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var after = Sequence(since, "since", errors);
        var older = Sequence(before, "before", errors);
        var count = PlacementEndpoints.Number(limit, "limit", ApiDefaults.PageLimit, 1, ApiDefaults.MaxPageLimit, errors);
        var watching = watch switch
        {
            null or "false" => false,
            "true" => true,
            _ => (bool?)null,
        };
        if (watching is null)
        {
            errors["watch"] = [$"'{watch}' is not true or false"];
        }
        if (after is not null && older is not null)
        {
            errors["before"] = ["give since (oldest first) or before (newest first), not both"];
        }
        if (watching == true && older is not null)
        {
            errors["before"] = ["a stream goes forward: resume it with since= or Last-Event-ID"];
        }
        var resume = http.Request.Headers["Last-Event-ID"].ToString();
        long? lastEventId = null;
        if (resume.Length > 0)
        {
            lastEventId = Sequence(resume, "Last-Event-ID", errors);
        }
        if (errors.Count > 0)
        {
            return Problems.Invalid("the query is not valid", errors);
        }
        var filter = new HistoryFilter(host, placement);
        if (watching == true)
        {
            // The browser's EventSource resends the last id it saw when it reconnects: that wins over the URL's since.
            await Stream(http, feed, filter, lastEventId ?? after ?? feed.Log.Newest, json.Value.SerializerOptions);
            return Results.Empty;
        }
        return TypedResults.Ok(Answer(feed, after is { } from ? feed.Log.Since(filter, from, count) : feed.Log.Page(filter, older, count), count));
    }

    private static async Task<IResult> PlacementHistory(HttpContext http, HistoryFeed feed, CoordinatorClient coordinator, string id)
    {
        var events = feed.Log.Since(new HistoryFilter(Placement: id), 0, int.MaxValue);
        if (events.Count == 0)
        {
            // Known to the coordinator but older than what the journal keeps, or not known at all (404).
            var (_, refused) = await coordinator.AskAsync<PlacementFound>(new GetPlacement(id), http.RequestAborted);
            if (refused is not null)
            {
                return refused;
            }
        }
        var answer = Answer(feed, events, int.MaxValue);
        return TypedResults.Ok(events.Count > 0 ? answer
            : answer with { Warnings = [.. answer.Warnings, $"placement '{id}' is older than the history the journal keeps (from sequence {answer.OldestRetained}): its events were compacted away"] });
    }

    private static HistoryPage Answer(HistoryFeed feed, IReadOnlyList<HistoryEvent> events, int limit)
    {
        long? next = events.Count < limit || events.Count == 0 ? null : events[^1].Sequence;
        return new HistoryPage(events, next, feed.Log.Newest, feed.Log.OldestRetained, feed.Failure is { } why ? [why] : []);
    }

    private static async Task Stream(HttpContext http, HistoryFeed feed, HistoryFilter filter, long since, JsonSerializerOptions json)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var aborted = http.RequestAborted;
        HistoryWatch watch;
        try
        {
            watch = feed.Log.Watch(filter, since);
        }
        catch (HistoryWatcherTooSlow)
        {
            since = feed.Log.Newest;  // too far back to replay in one go: from now, and say so
            watch = feed.Log.Watch(filter, since);
            await Write(response, $"event: gap\ndata: {{\"resumedAt\":{since}}}\n\n", aborted);
        }
        using (watch)
        {
            await Write(response, "retry: 2000\n\n", aborted);
            var oldest = feed.Log.OldestRetained;
            if (since > 0 && oldest > since + 1)
            {
                // Events between the client's last id and what is held were compacted away: the client learns it.
                await Write(response, string.Create(CultureInfo.InvariantCulture, $"event: gap\ndata: {{\"from\":{since + 1},\"oldestRetained\":{oldest}}}\n\n"), aborted);
            }
            var text = new StringBuilder();
            while (!aborted.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                beat.CancelAfter(KeepAlive);
                try
                {
                    if (!await watch.Events.WaitToReadAsync(beat.Token))
                    {
                        return;
                    }
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await Write(response, ": keep-alive\n\n", aborted);
                    continue;
                }
                catch (Exception e) when (e is HistoryWatcherTooSlow or System.Threading.Channels.ChannelClosedException)
                {
                    return;  // cut off for falling behind: the client reconnects with Last-Event-ID and resumes
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                text.Clear();
                while (watch.Events.TryRead(out var e))
                {
                    text.Append(CultureInfo.InvariantCulture, $"id: {e.Sequence}\nevent: {e.Kind}\ndata: {JsonSerializer.Serialize(e, json)}\n\n");
                }
                await Write(response, text.ToString(), aborted);
            }
        }
    }

    private static async Task Write(HttpResponse response, string text, CancellationToken aborted)
    {
        try
        {
            await response.WriteAsync(text, aborted);
            await response.Body.FlushAsync(aborted);
        }
        catch (OperationCanceledException)
        {
            // The client went: the loop ends on the same token.
        }
    }

    private static long? Sequence(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return n;
        }
        errors[name] = [$"'{text}' is not a sequence number (a whole number from 0)"];
        return null;
    }
}
