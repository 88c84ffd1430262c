using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Orchestrator.Cluster.Tests;

/// <summary>Collects what the systems log (Akka logs through Serilog's static logger) so a failing test can show it.</summary>
internal sealed class LogCapture : ILogEventSink
{
    private readonly ConcurrentQueue<string> lines = new();

    public static LogCapture Install()
    {
        var capture = new LogCapture();
        Log.Logger = new LoggerConfiguration().MinimumLevel.Information().WriteTo.Sink(capture).CreateLogger();
        return capture;
    }

    public void Emit(LogEvent logEvent) => lines.Enqueue($"{logEvent.Timestamp:HH:mm:ss.fff} {logEvent.Level} {logEvent.RenderMessage()}");

    public IEnumerable<string> Lines => lines;
}
