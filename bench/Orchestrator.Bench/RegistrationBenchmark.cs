using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Controller;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;

namespace Orchestrator.Bench;

/// <summary>
/// P8: one controller (a real child process) and N simulated hosts (host agents with their pools, in this process's
/// node system, as the all-in-one mode runs them) registering: time until the controller lists all N Up, and the
/// controller process's resident memory. Run: <c>dotnet run -c Release --project bench/Orchestrator.Bench -- registration [N]</c>.
/// </summary>
public static class RegistrationBenchmark
{
    public static async Task RunAsync(int hosts)
    {
        var root = BenchEnvironment.RepoRoot;
        var dir = Path.Combine(Path.GetTempPath(), "p2p-registration-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var controllerDll = Path.Combine(root, "src", "Controller", "bin", "Release", "net10.0", "Orchestrator.Controller.dll");
        var port = BenchEnvironment.FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { controllerDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--journal", Path.Combine(dir, "controller.db") })
        {
            start.ArgumentList.Add(a);
        }
        using var controller = Process.Start(start)!;
        controller.BeginOutputReadLine();
        controller.BeginErrorReadLine();
        try
        {
            var sample = TopologyFile.Read(Path.Combine(root, "deploy", "topologies", "storage-01.yaml"));
            var first = Path.Combine(dir, "host-0.yaml");
            await File.WriteAllTextAsync(first, TopologyFile.ToYaml(Renamed(sample, "host-0")));
            using var node = NodeHost.Build(new NodeOptions
            {
                Topology = first,
                Journal = Path.Combine(dir, "nodes.db"),
                Port = 0,
                Seeds = [$"akka.tcp://orchestrator@127.0.0.1:{port}"],
                RegisterEvery = TimeSpan.FromSeconds(30),
            });
            await node.StartAsync();
            var system = node.Services.GetRequiredService<ActorSystem>();
            var proxy = node.Services.GetRequiredService<ActorRegistry>().Get<CoordinatorProxy>();
            await WaitFor(proxy, 1, TimeSpan.FromSeconds(60));  // the cluster is up and host-0 registered

            var watch = Stopwatch.StartNew();
            for (var i = 1; i < hosts; i++)
            {
                var topology = Renamed(sample, $"host-{i}");
                system.ActorOf(HostAgent.Props(topology, new TopologySource(null, first, $"host-{i}"), 1000, new NvmetApplier(dir, false), proxy, TimeSpan.FromSeconds(30)), $"agent-{i}");
            }
            await WaitFor(proxy, hosts, TimeSpan.FromMinutes(5));
            var elapsed = watch.Elapsed;
            controller.Refresh();
            var rss = File.ReadAllLines($"/proc/{controller.Id}/status").First(l => l.StartsWith("VmRSS", StringComparison.Ordinal));
            Console.WriteLine($"{hosts} hosts registered and Up in {elapsed.TotalSeconds:F2} s (after the first); controller {rss.Replace("\t", " ", StringComparison.Ordinal)}");
            await node.StopAsync();
        }
        finally
        {
            controller.Kill(entireProcessTree: true);
            await controller.WaitForExitAsync();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static HostTopology Renamed(HostTopology t, string host)
        => HostTopology.Build(host, host, t.Cpu, t.Functions, t.HostBridges.ToDictionary(b => b.Root, b => b.NumaNode));

    private static async Task WaitFor(IActorRef proxy, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                var list = await proxy.Ask<HostList>(new GetHosts(), TimeSpan.FromSeconds(5));
                if (list.Hosts.Count(h => h.Status == HostStatus.Up) >= count)
                {
                    return;
                }
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // Not yet: the singleton may still be starting.
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{count} hosts did not register within {timeout}");
    }
}
