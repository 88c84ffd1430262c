using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Orchestrator.Cli.Tests.Remote;

/// <summary>
/// <c>p2pctl events --watch</c> when the stream drops: a server that closes the connection after one event, then
/// checks that the client came back with <c>Last-Event-ID</c> and sends the next one. Nothing is missed or doubled.
/// </summary>
public sealed class EventStreamTests
{
    private static string Event(long id) =>
        $"id: {id}\nevent: committed\ndata: {{\"sequence\":{id},\"time\":\"2026-12-03T06:00:00Z\",\"kind\":\"committed\",\"who\":\"ci\",\"placementId\":\"p{id}\",\"host\":\"storage-01\",\"provider\":\"0000:04:00.0\",\"sizeBytes\":4096,\"detail\":null,\"decision\":null}}\n\n";

    [Fact]
    public async Task A_dropped_stream_is_reopened_after_the_last_event_id_it_saw()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var requests = new List<string>();
        var server = Task.Run(async () =>
        {
            foreach (var id in new[] { 5L, 6L })
            {
                using var connection = await listener.AcceptTcpClientAsync();
                var stream = connection.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    request.Append(Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer)));
                }
                requests.Add(request.ToString());
                var body = Encoding.UTF8.GetBytes(Event(id));
                var head = $"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
                await stream.WriteAsync(body);
                await stream.FlushAsync();
                // The connection closes here: the stream dropped after one event.
            }
        });
        var run = await Task.Run(() => CliRun.Of("events", "--watch", "--limit", "2", "--server", url));
        await server.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["#5", "#6"], lines.Select(l => l.Split(' ')[1]));
        Assert.Contains("reconnecting", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Last-Event-ID", requests[0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Last-Event-ID: 5", requests[1], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("GET /api/v1/events?watch=true ", requests[0], StringComparison.Ordinal);
    }
}
