using System.Net;
using System.Net.Sockets;
using Orchestrator.Hosting.Remoting;
using Xunit.Abstractions;

namespace Orchestrator.Cluster.Tests;

/// <summary>
/// The cap on connections to a remoting port that have not completed a handshake (issue 12), on a controller's real
/// remoting port: idle connections from one address beyond its share, or from anyone beyond the total, are closed at
/// once; closing them frees their slots; and a member still joins while a scanner holds its share. A scanner binds
/// 127.0.0.2 and up as its source, which Linux routes over loopback like 127.0.0.1.
/// </summary>
public sealed class ConnectionCapTests(ITestOutputHelper output)
{
    private const int Total = 8;
    private const int PerAddress = 4;

    [Fact]
    public async Task Idle_connections_beyond_the_cap_are_closed_and_members_still_join()
    {
        await using var cluster = new TestCluster();
        await cluster.StartControllerAsync(remoting: new RemotingSecurity { MaxUnauthenticatedConnections = Total, MaxUnauthenticatedConnectionsPerAddress = PerAddress });

        var first = await OpenAsync(cluster.ControllerPort, "127.0.0.2", 10);
        Assert.Equal(PerAddress, await CountOpenAsync(first, "127.0.0.2"));

        var second = await OpenAsync(cluster.ControllerPort, "127.0.0.3", PerAddress);
        Assert.Equal(PerAddress, await CountOpenAsync(second, "127.0.0.3"));
        var third = await OpenAsync(cluster.ControllerPort, "127.0.0.4", 2);
        Assert.Equal(0, await CountOpenAsync(third, "127.0.0.4 with the total reached"));

        Close(first);
        Close(third);
        await Task.Delay(500);  // the server sees the ends
        var fourth = await OpenAsync(cluster.ControllerPort, "127.0.0.4", 2);
        Assert.Equal(2, await CountOpenAsync(fourth, "127.0.0.4 after 127.0.0.2 left"));

        // Six of eight slots are held by strangers: a node still connects, joins and registers.
        await cluster.StartNodeAsync("storage-01");
        await cluster.WaitForHostsAsync("storage-01");
        Close(second);
        Close(fourth);
    }

    private static async Task<List<TcpClient>> OpenAsync(int port, string source, int count)
    {
        var clients = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient(new IPEndPoint(IPAddress.Parse(source), 0));
            await client.ConnectAsync(IPAddress.Loopback, port);
            clients.Add(client);
        }
        return clients;
    }

    /// <summary>How many of <paramref name="clients"/> the server left open: a closed one reads its end within the wait.</summary>
    private async Task<int> CountOpenAsync(List<TcpClient> clients, string what)
    {
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var open = await Task.WhenAll(clients.Select(async client =>
        {
            try
            {
                return await client.GetStream().ReadAsync(new byte[1], wait.Token) > 0;
            }
            catch (OperationCanceledException)
            {
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }));
        output.WriteLine($"{what}: {open.Count(o => o)} of {clients.Count} open");
        return open.Count(o => o);
    }

    private static void Close(List<TcpClient> clients) => clients.ForEach(c => c.Dispose());
}
