using System.Net.Sockets;
using System.Text;
using Orchestrator.Controller.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// Malformed HTTP framing over raw sockets against the real Kestrel (issue 12): bad chunk sizes, chunked bodies past
/// the 64 KiB limit, chunked with Content-Length, truncated and conflicting lengths, mixed with bodies that frame well
/// but are bad JSON. Every answer read is 4xx, none 5xx; nothing is logged as an error (so no answer lost on the way
/// was a 500 either); placements and hosts are unchanged.
/// </summary>
public sealed class FramingFuzzTests
{
    private const int Cases = 10_000;
    private const string Json = """{"host":"storage-01","clients":["0000:03:00.0"],"sizeBytes":1048576}""";

    [Fact]
    public async Task Ten_thousand_badly_framed_requests_get_4xx_and_no_error_log()
    {
        using var sink = LogLines.Install();
        using var data = new TempDirectory();
        var options = new ControllerOptions { Port = FreePorts.Next(), Data = data.Path };
        options.AllInOne.Enabled = true;
        var app = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], options);
        await app.StartAsync();
        try
        {
            var url = new Uri(app.Urls.First());
            using var http = new HttpClient { BaseAddress = url };
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (await http.GetStringAsync("/api/v1/hosts") == "[]")
            {
                Assert.True(DateTime.UtcNow < deadline, "the simulated hosts never registered");
                await Task.Delay(200);
            }
            var before = await http.GetStringAsync("/api/v1/placements") + await http.GetStringAsync("/api/v1/hosts");
            var statuses = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var bad = new System.Collections.Concurrent.ConcurrentQueue<string>();
            await Parallel.ForEachAsync(Enumerable.Range(0, Cases), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            {
                var (kind, request) = Malformed(i);
                var status = await SendAsync(url, request, halfClose: kind == "Content-Length past the body");
                statuses.AddOrUpdate($"{kind} {status}", 1, (_, n) => n + 1);
                if (status is not (0 or (>= 400 and <= 499)))
                {
                    bad.Enqueue($"#{i} {kind}: {status}");
                }
            });
            Assert.True(bad.IsEmpty, string.Join('\n', bad.Take(20)) + "\n" + string.Join('\n', statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))
                + "\n" + string.Join('\n', sink.All.Where(l => l.StartsWith("[Error]", StringComparison.Ordinal)).Take(3)));
            Assert.True(statuses.Where(s => !s.Key.EndsWith(" 0", StringComparison.Ordinal)).Sum(s => s.Value) > Cases / 4, "too few answers were read to judge");
            Assert.Equal(before, await http.GetStringAsync("/api/v1/placements") + await http.GetStringAsync("/api/v1/hosts"));
            Assert.DoesNotContain(sink.All, l => l.StartsWith("[Error]", StringComparison.Ordinal) || l.StartsWith("[Fatal]", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    private static (string Kind, string Request) Malformed(int i)
    {
        var path = (i % 3) switch { 0 => "/api/v1/placements", 1 => "/api/v1/placements/explain", _ => "/api/v1/hosts/storage-01/drain" };
        var head = $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n";
        var big = string.Concat(Enumerable.Repeat($"{8192:x}\r\n{new string(' ', 8192)}\r\n", 9));  // 72 KiB in well-formed chunks
        return (i % 10) switch
        {
            0 => ("chunk size not hex", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + Json + "\r\n0\r\n\r\n"),
            1 => ("chunked past the limit", head + "Transfer-Encoding: chunked\r\n\r\n" + big + "0\r\n\r\n"),
            // Kestrel frames by Transfer-Encoding and ignores Content-Length (RFC 9112 §6.3), then closes the connection: what
            // reaches us is the chunked body, here JSON cut short.
            2 => ("chunked and Content-Length", head + $"Transfer-Encoding: chunked\r\nContent-Length: {Json.Length}\r\n\r\n{Json.Length - 1:x}\r\n{Json[..^1]}\r\n0\r\n\r\n"),
            3 => ("Content-Length past the body", head + $"Content-Length: {Json.Length + 100}\r\n\r\n{Json}"),
            4 => ("Content-Length not a number", head + "Content-Length: lots\r\n\r\n" + Json),
            5 => ("two Content-Lengths", head + $"Content-Length: {Json.Length}\r\nContent-Length: {Json.Length + 1}\r\n\r\n{Json}"),
            6 => ("chunk without its CRLF", head + $"Transfer-Encoding: chunked\r\n\r\n{Json.Length:x}\r\n{Json}0\r\n\r\n"),
            7 => ("chunk size overflowing", head + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n" + Json + "\r\n0\r\n\r\n"),
            8 => ("chunked, JSON cut short", head + $"Transfer-Encoding: chunked\r\n\r\n{Json.Length - 9:x}\r\n{Json[..^9]}\r\n0\r\n\r\n"),
            _ => ("Content-Length past the limit", head + $"Content-Length: {128 * 1024}\r\n\r\n{Json}"),
        };
    }

    /// <summary>
    /// Writes the request and returns the status of the answer; 0 when the connection closed without one that could
    /// be read (the server answers and closes while request bytes are still unread, and the reset can discard the
    /// answer here): the server's log then tells whether anything failed.
    /// </summary>
    private static async Task<int> SendAsync(Uri url, string request, bool halfClose)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
            if (halfClose)
            {
                client.Client.Shutdown(SocketShutdown.Send);  // the body ends here, short of its Content-Length
            }
        }
        catch (IOException)
        {
            // The server may answer and close before it read everything.
        }
        var buffer = new byte[64];
        var read = 0;
        try
        {
            int n;
            while (read < 12 && (n = await stream.ReadAsync(buffer.AsMemory(read))) > 0)
            {
                read += n;
            }
        }
        catch (IOException)
        {
            // Reset after the answer.
        }
        var line = Encoding.ASCII.GetString(buffer, 0, read);
        return line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && read >= 12 ? int.Parse(line[9..12], System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
