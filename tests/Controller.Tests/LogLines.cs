using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Controller.Tests;

/// <summary>
/// Replaces Serilog's static logger (which Akka and ASP.NET write through) with one that keeps every event as a line:
/// message, properties and exception. Dispose puts the previous logger back. Tests using it run in the API collection.
/// </summary>
internal sealed class LogLines : ILogEventSink, IDisposable
{
    private readonly ConcurrentQueue<string> lines = new();
    private readonly ILogger previous = Log.Logger;

    private LogLines()
    {
    }

    public IReadOnlyList<string> All => [.. lines];

    public static LogLines Install()
    {
        var sink = new LogLines();
        Log.Logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();
        return sink;
    }

    public void Emit(LogEvent logEvent)
        => lines.Enqueue($"[{logEvent.Level}] " + logEvent.RenderMessage() + string.Join(' ', logEvent.Properties.Select(p => p.Value.ToString())) + logEvent.Exception);

    public void Dispose() => Log.Logger = previous;
}
