using System.CommandLine;
using System.Globalization;
using System.Text;
using Orchestrator.Cli.Output;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Api;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>p2pctl events [--watch]</c>: the placement history the controller reads from its journal, one line per event,
/// oldest at the top (as a log reads); <c>--watch</c> goes on printing new events as they are journaled, and resumes
/// where it stopped when the stream drops. <c>-o json</c> prints the controller's page, or one JSON object per line.
/// </summary>
internal static class EventsCommands
{
    public static Command Create(CliOutput output)
    {
        var remote = new RemoteOptions();
        var format = new OutputOption();
        var host = new Option<string?>("--host") { Description = "Only events of this host" };
        var placement = new Option<string?>("--placement") { Description = "Only events of this placement" };
        var since = new Option<long?>("--since") { Description = "Events after this sequence number, oldest first (without it: the newest)" };
        var limit = new Option<int?>("--limit") { Description = $"At most this many (default {ApiDefaults.PageLimit}); with --watch, exit after this many" };
        var watch = new Option<bool>("--watch", "-w") { Description = "Keep printing new events as the controller journals them (Ctrl+C to stop)" };
        var command = new Command("events", "The placement history: who placed, released or drained what, when, and why");
        command.Options.Add(host);
        command.Options.Add(placement);
        command.Options.Add(since);
        command.Options.Add(limit);
        command.Options.Add(watch);
        remote.AddTo(command, withToken: true);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var how = format.Get(parsed);
            var count = parsed.GetValue(limit);
            if (count is <= 0)
            {
                throw new UsageException($"--limit must be a positive number, got {count}");
            }
            using var client = remote.Connect(parsed);
            var filters = new[] { ("host", parsed.GetValue(host)), ("placement", parsed.GetValue(placement)) };
            var from = parsed.GetValue(since)?.ToString(CultureInfo.InvariantCulture);
            if (parsed.GetValue(watch))
            {
                return Watch(output, client, how, ControllerClient.Query([.. filters, ("since", from), ("watch", "true")]), count);
            }
            var reply = client.Get("api/v1/events" + ControllerClient.Query([.. filters, ("since", from), ("limit", count?.ToString(CultureInfo.InvariantCulture))]));
            if (output.Structured(how, reply.Body))
            {
                return P2pctl.Answered;
            }
            var page = reply.As<HistoryPage>();
            var events = from is null ? page.Events.Reverse() : page.Events;
            foreach (var e in events)
            {
                output.Output.WriteLine(Line(e));
            }
            if (page.Events.Count == 0)
            {
                output.Output.WriteLine("(no events)");
            }
            foreach (var warning in page.Warnings)
            {
                output.Error.WriteLine($"p2pctl: warning: {warning}");
            }
            return P2pctl.Answered;
        }));
        return command;
    }

    private static int Watch(CliOutput output, ControllerClient client, OutputFormat how, string query, int? count)
    {
        var printed = 0;
        client.Stream("api/v1/events" + query, (_, name, data) =>
        {
            if (name == "gap")
            {
                output.Error.WriteLine($"p2pctl: some events are no longer held by the controller: {data}");
                return true;
            }
            output.Output.WriteLine(how is OutputFormat.Json or OutputFormat.Yaml ? data : Line(ControllerClient.Decode<HistoryEvent>(data)));
            output.Output.Flush();
            return count is not { } most || ++printed < most;
        }, why => output.Error.WriteLine($"p2pctl: {why}; reconnecting"), TimeSpan.FromSeconds(2));
        return P2pctl.Answered;
    }

    /// <summary><c>2026-12-03T06:20:42Z #10 committed storage-01 0000:04:00.0 placement p1 1.0 MiB by ci: offset 0, …</c></summary>
    public static string Line(HistoryEvent e)
    {
        var line = new StringBuilder();
        line.Append(e.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append(CultureInfo.InvariantCulture, $" #{e.Sequence} {e.Kind}");
        foreach (var part in new[] { e.Host, e.Provider, e.PlacementId is { } id ? "placement " + id : null, e.SizeBytes is { } size ? TreeWriter.Bytes(size) : null })
        {
            if (part is not null)
            {
                line.Append(' ').Append(part);
            }
        }
        line.Append(" by ").Append(e.Who);
        if (e.Detail is { } detail)
        {
            line.Append(": ").Append(detail);
        }
        foreach (var closer in e.Decision?.Closer ?? [])
        {
            line.Append(CultureInfo.InvariantCulture, $"; closer {closer.Provider} ({closer.Level}, distance {closer.DistanceSum}) rejected: {closer.Reason}");
        }
        return line.ToString();
    }
}
