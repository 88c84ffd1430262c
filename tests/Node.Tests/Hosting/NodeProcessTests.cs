using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Node;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;
using static Orchestrator.Node.Tests.TestPaths;

namespace Orchestrator.Node.Tests.Hosting;

/// <summary>
/// The node as a real child process, driven over Akka remoting from the test's own ActorSystem: allocate, SIGKILL,
/// start again on the same journal (a SQLite file, or a PostgreSQL database), and every allocation is back; and with
/// <c>--health</c> the same process answers <c>/healthz</c> and <c>/readyz</c> over HTTP.
/// </summary>
public sealed class NodeProcessTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private sealed class NodeProcess : IDisposable
    {
        private readonly Process process;
        private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int poolsRecovered;

        public NodeProcess(string journal, string workingDirectory, int port, ITestOutputHelper output, params string[] extra)
        {
            Port = port;
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
            foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "Orchestrator.Node.dll"), "--topology", SampleTopology, "--journal", journal, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra])
            {
                start.ArgumentList.Add(a);
            }
            process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    ready.TrySetException(new InvalidOperationException("the node exited before it was ready"));
                    return;
                }
                output.WriteLine($"[node:{port}] {e.Data}");
                if (e.Data.Contains("after recovery", StringComparison.Ordinal) && Interlocked.Increment(ref poolsRecovered) == 3)
                {
                    ready.TrySetResult();
                }
            };
            process.ErrorDataReceived += (_, e) => output.WriteLine($"[node:{port} err] {e.Data}");
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public int Port { get; }

        public int Pid => process.Id;

        public Task Ready => ready.Task.WaitAsync(Timeout);

        public void KillHard()
        {
            process.Kill(entireProcessTree: true);  // SIGKILL: no shutdown, no flush
            process.WaitForExit(10_000);
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                KillHard();
            }
            process.Dispose();
        }
    }

    private static ActorSystem Client() => ActorSystem.Create("test-client", ConfigurationFactory.ParseString($$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.actor.serializers.protocol = "{{typeof(ProtocolSerializer).AssemblyQualifiedName}}"
        akka.actor.serialization-bindings { "{{typeof(IProtocolMessage).AssemblyQualifiedName}}" = protocol }
        """));

    private static Task<IActorRef> Agent(ActorSystem client, int port)
        => client.ActorSelection($"akka.tcp://orchestrator@127.0.0.1:{port}/user/host-agent").ResolveOne(Timeout);

    [SkippableTheory]
    [InlineData(TestJournals.Sqlite)]
    [InlineData(TestJournals.Postgres)]
    public async Task Allocations_survive_a_sigkill_of_the_node_process(string journalKind)
    {
        await using var journals = new TestJournals(journalKind, temp.Path);
        var journal = await journals.GetAsync("node");
        using var client = Client();
        List<BufferGranted> granted = [];

        using (var node = new NodeProcess(journal, temp.Path, FreePorts.Next(), output))
        {
            await node.Ready;
            var agent = await Agent(client, node.Port);
            for (var i = 0; i < 6; i++)
            {
                var provider = i % 2 == 0 ? ProviderA : ProviderB;
                granted.Add(Assert.IsType<BufferGranted>(await agent.Ask<object>(new AllocateBuffer(provider, $"p{i}", (i + 1) * 1_000_000L), Timeout)));
            }
            Assert.True(Assert.IsType<BufferReleased>(await agent.Ask<object>(new FreeBuffer(ProviderA, "p0"), Timeout)).WasHeld);
            node.KillHard();
        }

        using (var node = new NodeProcess(journal, temp.Path, FreePorts.Next(), output))
        {
            await node.Ready;
            var agent = await Agent(client, node.Port);
            var snapshot = Assert.IsType<HostSnapshot>(await agent.Ask<object>(new GetHostSnapshot(), Timeout));
            var held = snapshot.Pools.SelectMany(p => p.Allocations.Select(a => (p.Provider, a.AllocationId, a.Offset, a.Length))).OrderBy(x => x.AllocationId).ToList();
            var expected = granted.Where(g => g.AllocationId != "p0").Select(g => (g.Provider, g.AllocationId, g.Offset, g.Length)).OrderBy(x => x.AllocationId).ToList();
            Assert.Equal(expected, held);

            var again = Assert.IsType<BufferGranted>(await agent.Ask<object>(new AllocateBuffer(ProviderB, "p1", 2_000_000L), Timeout));
            Assert.True(again.AlreadyHeld);
            Assert.Equal(granted[1].Offset, again.Offset);
        }
    }

    [Fact]
    public async Task A_second_node_on_the_same_journal_or_port_stops_with_one_line_naming_the_first()
    {
        var journal = temp.Combine("node.db");
        using var first = new NodeProcess(journal, temp.Path, FreePorts.Next(), output);
        await first.Ready;

        // Same journal, another port: refused before the journal is touched, naming the first process.
        var sameJournal = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, "--journal", journal, "--port", "0");
        Assert.True(sameJournal.ExitCode == 1, $"exit {sameJournal.ExitCode}: {string.Join('\n', sameJournal.Lines)} {sameJournal.Stderr}");
        var line = Assert.Single(sameJournal.Lines);
        Assert.Contains($"the journal {journal} is in use by process {first.Pid} (", line, StringComparison.Ordinal);
        Assert.Contains("Orchestrator.Node.dll", line, StringComparison.Ordinal);

        // Same port, another journal: refused before anything starts, naming the first process.
        var samePort = await DotnetRun.RunAsync("Orchestrator.Node.dll", temp.Path, "--topology", SampleTopology, "--journal", temp.Combine("other.db"),
            "--port", first.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(samePort.ExitCode == 1, $"exit {samePort.ExitCode}: {string.Join('\n', samePort.Lines)} {samePort.Stderr}");
        Assert.Contains($"port {first.Port} on 127.0.0.1 (Akka remoting, --port) is in use by process {first.Pid} (", Assert.Single(samePort.Lines), StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("other.db")));

        // A SIGKILLed holder releases the journal: the next process takes it.
        first.KillHard();
        using var second = new NodeProcess(journal, temp.Path, FreePorts.Next(), output);
        await second.Ready;
    }

    [Fact]
    public async Task The_process_serves_health_checks_with_the_switch()
    {
        var health = new Uri($"http://127.0.0.1:{FreePorts.Next()}");
        using var node = new NodeProcess(temp.Combine("node.db"), temp.Path, FreePorts.Next(), output, "--health", health.ToString());
        await node.Ready;
        using var http = new HttpClient { BaseAddress = health, Timeout = Timeout };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
        var ready = await Readyz.WaitAsync(http, "ready", Timeout, a => a.Status == System.Net.HttpStatusCode.OK);
        Assert.Equal("storage-01", ready.Body.GetProperty("host").GetString());
    }
}
