using System.Net;
using System.Net.Sockets;
using Npgsql;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>What a compose controller does when a dependency is missing, as a real process (ARCHITECTURE §2, issue 6).</summary>
[Collection(nameof(ComposeClusterTests))]
public sealed class FailureTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_controller_started_before_postgresql_stays_up_not_ready_and_recovers_when_it_answers()
    {
        var port = FreePorts.Next();
        string? server = null;
        await using var cluster = await ComposeCluster.StartAsync(output, only: ["controller-1"], adjust: (_, environment) =>
        {
            // The journal points at a port where nothing listens yet; a forwarder to the real server opens there later.
            var journal = new NpgsqlConnectionStringBuilder(environment["Orchestrator__Controller__Journal"]);
            server = $"{journal.Host}:{journal.Port}";
            journal.Host = "127.0.0.1";
            journal.Port = port;
            environment["Orchestrator__Controller__Journal"] = journal.ConnectionString;
        });
        await cluster.Guard(async () =>
        {
            var ready = new Uri(cluster.Rest("controller-1"), "/readyz");
            await ComposeCluster.EventuallyAsync("/readyz names the journal", TimeSpan.FromSeconds(30), async () =>
            {
                using var response = await cluster.Http.GetAsync(ready);
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.ServiceUnavailable && body.Contains("the journal is not reachable", StringComparison.Ordinal);
            });
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.True(cluster.Service("controller-1").IsRunning, "the controller exited without its database");
            using (var health = await cluster.Http.GetAsync(new Uri(cluster.Rest("controller-1"), "/healthz")))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            }

            using var forwarder = new TcpForwarder(port, server!);
            await ComposeCluster.EventuallyAsync("/readyz once PostgreSQL answers", TimeSpan.FromSeconds(45), async () =>
            {
                using var response = await cluster.Http.GetAsync(ready);
                return response.StatusCode == HttpStatusCode.OK;
            });
            var hosts = await cluster.HostsAsync("controller-1");
            Assert.Empty(hosts);
        });
    }

    /// <summary>A loopback TCP port that forwards every connection to another address (PostgreSQL "coming up").</summary>
    private sealed class TcpForwarder : IDisposable
    {
        private readonly TcpListener listener;
        private readonly CancellationTokenSource stop = new();

        public TcpForwarder(int port, string target)
        {
            listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            var host = target[..target.LastIndexOf(':')];
            var targetPort = int.Parse(target[(target.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    TcpClient client;
                    try
                    {
                        client = await listener.AcceptTcpClientAsync(stop.Token);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                    _ = Task.Run(async () =>
                    {
                        using var inbound = client;
                        using var outbound = new TcpClient();
                        try
                        {
                            await outbound.ConnectAsync(host, targetPort, stop.Token);
                            var a = inbound.GetStream();
                            var b = outbound.GetStream();
                            await Task.WhenAny(a.CopyToAsync(b, stop.Token), b.CopyToAsync(a, stop.Token));
                        }
                        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
                        {
                            // A connection ended.
                        }
                    });
                }
            });
        }

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            stop.Dispose();
        }
    }
}
