using System.Diagnostics;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Node.Agent;
using Orchestrator.Node.Hosting;
using Orchestrator.Node.Nvmet;
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
        using var rest = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{BenchEnvironment.FreePort()}"), Timeout = TimeSpan.FromSeconds(10) };
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (var a in new[] { controllerDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--journal", Path.Combine(dir, "controller.db"), "--urls", rest.BaseAddress.ToString() })
        {
            start.ArgumentList.Add(a);
        }
        // The hosts are this process's agents only: the controller simulates none of its own.
        start.Environment["Orchestrator__AllInOne__Enabled"] = "false";
        using var controller = Process.Start(start)!;
        controller.BeginOutputReadLine();
        controller.BeginErrorReadLine();
        try
        {
            var sample = TopologyFile.Read(Path.Combine(root, "deploy", "topologies", "storage-01.yaml"));
            var first = Path.Combine(dir, "host-0.yaml");
            // A node that asks to join before the controller is up is answered only after Akka's join retries (30 s seen).
            await WaitFor(rest, 0, TimeSpan.FromSeconds(60));
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
            await WaitFor(rest, 1, TimeSpan.FromSeconds(60));  // the cluster is up and host-0 registered

            var watch = Stopwatch.StartNew();
            for (var i = 1; i < hosts; i++)
            {
                var topology = Renamed(sample, $"host-{i}");
                system.ActorOf(HostAgent.Props(topology, new TopologySource(null, first, $"host-{i}"), 1000, new NvmetApplier(dir, false), proxy, TimeSpan.FromSeconds(30)), $"agent-{i}");
            }
            await WaitFor(rest, hosts, TimeSpan.FromMinutes(5));
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

    /// <summary>Counts the hosts Up through the REST bridge: the coordinator answers queries from controllers only, not from this node.</summary>
    private static async Task WaitFor(HttpClient rest, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int? up = null;
        while (DateTime.UtcNow < deadline)
        {
            up = await BenchEnvironment.HostsUpAsync(rest);
            if (up >= count)
            {
                return;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{count} hosts were not Up within {timeout} ({up?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no answer"})");
    }
}
