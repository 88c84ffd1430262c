using System.Net;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;
using static Orchestrator.Cluster.Tests.Compose.ComposeInvariants;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>
/// The attacks of issue 12 against the compose deployment as real processes, its remoting on mutual TLS: a program
/// with no certificate, or with one of another CA, tries to free an acknowledged buffer, allocate, read a node's
/// books, take a host over with a forged registration and place without the REST token. Every one fails at the
/// handshake; nothing changes; the members log the refusal.
/// </summary>
[Collection(nameof(ComposeClusterTests))]
public sealed class RogueClientTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(3);

    [SkippableFact]
    public async Task A_program_without_the_cluster_s_certificate_can_do_nothing()
    {
        await using var cluster = await ComposeCluster.StartAsync(output);
        await cluster.Guard(async () =>
        {
            await WaitForHostsUpAsync(cluster, "controller-1");
            var (status, accepted, body) = await cluster.PlaceAsync("controller-1", "victim", Body("storage-01", 2 * MiB));
            Assert.True(status == HttpStatusCode.Created, body);
            var victim = accepted!.Placement;

            // Idle connections that never start a handshake, from an address of their own (the rogue clients below come
            // from the test's): at most 16 admitted (the per-address cap), the rest closed at once; the admitted ones
            // closed by Akka's handshake timeout (15 s).
            var idleSince = System.Diagnostics.Stopwatch.StartNew();
            var idle = new List<System.Net.Sockets.TcpClient>();
            var idleSource = System.Net.IPAddress.Parse(cluster.Address("node-1")[..(cluster.Address("node-1").LastIndexOf('.') + 1)] + "99");
            for (var i = 0; i < 50; i++)
            {
                var c = new System.Net.Sockets.TcpClient(new System.Net.IPEndPoint(idleSource, 0));
                await c.ConnectAsync(System.Net.IPAddress.Parse(cluster.Address("node-1")), 4054);
                idle.Add(c);
            }
            await Task.Delay(TimeSpan.FromSeconds(1));
            var admitted = CountOpen(idle);
            output.WriteLine($"50 idle connections from {idleSource}: {admitted} admitted");
            Assert.Equal(Orchestrator.Hosting.Remoting.RemotingSecurity.DefaultUnauthenticatedConnectionsPerAddress, admitted);

            using var foreign = new TempDirectory();
            ClusterCertificates.Make(foreign.Path, "rogue");
            var node = $"akka.ssl.tcp://orchestrator@{cluster.Address("node-1")}:4054/user/host-agent";
            var coordinator = $"akka.ssl.tcp://orchestrator@{cluster.Address("controller-1")}:4053/user/{ClusterNames.CoordinatorSingleton}/{ClusterNames.CoordinatorSingleton}";
            var plainNode = node.Replace("akka.ssl.tcp", "akka.tcp", StringComparison.Ordinal);
            var outcomes = new List<string>();
            foreach (var (name, rogue, to) in new[]
            {
                ("another CA", RogueClient.WithCertificate(Path.Combine(foreign.Path, "rogue.pfx"), ClusterCertificates.Password), node),
                ("no certificate", RogueClient.Plain(), plainNode),
            })
            {
                using (rogue)
                {
                    var target = to;
                    var coordinatorTarget = to == node ? coordinator : coordinator.Replace("akka.ssl.tcp", "akka.tcp", StringComparison.Ordinal);
                    rogue.Tell(target, new FreeBuffer(victim.Provider, victim.PlacementId));
                    rogue.Tell(coordinatorTarget, new RegisterHost("storage-01", new Protocol.Topology.TopologyDocument { Host = "storage-01" }, [], long.MaxValue / 2, "rogue"));
                    var attacks = new (string What, string Path, object Message)[]
                    {
                        ("free", target, new FreeBuffer(victim.Provider, victim.PlacementId)),
                        ("allocate", target, new AllocateBuffer(victim.Provider, "stolen", 64 * MiB)),
                        ("snapshot", target, new GetHostSnapshot()),
                        ("place", coordinatorTarget, new PlaceBuffer("rogue", "storage-01", [Hosts["storage-01"]], MiB)),
                        ("release", coordinatorTarget, new ReleasePlacement(victim.PlacementId)),
                        ("drain", coordinatorTarget, new SetDrain("storage-01", null, true)),
                    };
                    outcomes.AddRange(await Task.WhenAll(attacks.Select(async a => $"{name}: {a.What} {await rogue.TryAsync(a.Path, a.Message, Wait)}")));
                }
            }
            // A port scanner: connections that send garbage, or nothing, to a member's remoting port.
            var linesBefore = cluster.LinesOf("node-1").Count();
            for (var i = 0; i < 300; i++)
            {
                using var scanner = new System.Net.Sockets.TcpClient();
                await scanner.ConnectAsync(System.Net.IPAddress.Parse(cluster.Address("node-1")), 4054);
                if (i % 2 == 0)
                {
                    await scanner.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {i}\r\n\r\n"));
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(20) - idleSince.Elapsed is { Ticks: > 0 } left ? left : TimeSpan.Zero);
            var open = CountOpen(idle);
            idle.ForEach(c => c.Dispose());
            output.WriteLine($"50 idle connections: {open} still open after 20 s");
            await Task.Delay(TimeSpan.FromSeconds(2));
            var scanned = cluster.LinesOf("node-1").Skip(linesBefore).ToList();
            output.WriteLine($"300 scanner connections: {scanned.Count} log lines on node-1");
            foreach (var line in scanned.Take(3))
            {
                output.WriteLine(line.Length > 300 ? line[..300] : line);
            }
            // Once per peer per minute, without the decoder's exception (the rogue clients above count as that peer too),
            // and the idle connections closed by the handshake timeout once.
            Assert.Equal(0, open);
            Assert.True(scanned.Count <= 2, $"{scanned.Count} lines for one scanner: {string.Join("\n", scanned.Take(3))}");
            Assert.DoesNotContain(scanned, l => l.Contains("\"@x\"", StringComparison.Ordinal));
            output.WriteLine(string.Join("\n", outcomes));
            Assert.All(outcomes, o => Assert.EndsWith("no answer", o, StringComparison.Ordinal));

            await Task.Delay(TimeSpan.FromSeconds(2));
            var seen = await cluster.GetAsync<PlacementView>("controller-2", "/api/v1/placements/victim");
            Assert.Equal((PlacementState.Committed, victim.Offset), (seen.State, seen.Offset));
            var host = (await cluster.HostsAsync("controller-2")).Single(h => h.Host == "storage-01");
            Assert.Equal(HostStatus.Up, host.Status);
            Assert.False(host.Drained);
            Assert.NotEqual("rogue", host.Identity);
            using (var rogue = await cluster.Http.GetAsync(new Uri(cluster.Rest("controller-2"), "/api/v1/placements/rogue")))
            {
                Assert.Equal(HttpStatusCode.NotFound, rogue.StatusCode);
            }
            var (placed, _, text) = await cluster.PlaceAsync("controller-2", "rogue-check", Body("storage-01", MiB));
            Assert.True(placed == HttpStatusCode.Created, text);
            Assert.Contains(cluster.LinesOf("node-1"), l => l.Contains("refused peer", StringComparison.Ordinal));
            await AssertConsistentAsync(cluster, "controller-2", new HashSet<string>(["victim", "rogue-check"], StringComparer.Ordinal), output);
        });
    }

    /// <summary>How many connections the member has not closed: a closed one reads its end (or a reset) at once.</summary>
    private static int CountOpen(List<System.Net.Sockets.TcpClient> connections)
    {
        var open = 0;
        foreach (var c in connections)
        {
            c.Client.Blocking = false;
            try
            {
                open += c.Client.Receive(new byte[1]) == 0 ? 0 : 1;
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.WouldBlock)
            {
                open++;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Reset by the member: closed.
            }
        }
        return open;
    }
}
