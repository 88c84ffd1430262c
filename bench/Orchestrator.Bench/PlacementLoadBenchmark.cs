using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Orchestrator.Bench;

/// <summary>
/// P6 (ARCHITECTURE §12): REST placements end to end against a real controller process in the all-in-one mode
/// (SQLite journal, N simulated hosts), C concurrent HTTP clients each looping create → release.
/// Run: <c>dotnet run -c Release --project bench/Orchestrator.Bench -- p6 [--hosts 100] [--clients 64] [--seconds 20]
/// [--warmup 5] [--aux-seconds 8] [--idle-seconds 5] [--keep]</c>. The controller is the Release build of <c>src/Controller</c>
/// (<c>src/Controller/bin/Release/net10.0/Orchestrator.Controller.dll</c>, built with this project since the bench
/// references it), started with <c>dotnet</c>; its environment is this process's, so settings can be tried with
/// <c>Orchestrator__Controller__…</c> variables (for instance <c>Orchestrator__Controller__ExtraHocon</c>).
/// Besides the main phase it runs short contrast phases: <c>POST /placements/explain</c> (same decision, no journal,
/// no node), <c>GET /healthz</c> (Kestrel and HttpClient alone) and <c>GET /hosts</c>.
/// </summary>
public static class PlacementLoadBenchmark
{
    /// <summary>The sample hosts with usable p2pmem, and the client NICs a placement on them names.</summary>
    private static readonly (string File, string[] Nics)[] Samples =
    [
        ("storage-01.yaml", ["0000:03:00.0"]),
        ("storage-02.yaml", ["0000:43:00.0"]),
        ("storage-03.yaml", ["0000:01:00.0", "0000:81:00.0"]),
    ];

    private const string Histogram = "p2p_placement_request_seconds";

    private sealed record Settings(int Hosts, int Clients, int Seconds, int Warmup, int AuxSeconds, int IdleSeconds, bool Keep, int Live = 0);

    private enum Kind
    {
        Cycle,
        Explain,
        Healthz,
        Hosts,
    }

    public static async Task<int> RunAsync(string[] args)
    {
        Settings settings;
        try
        {
            settings = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        var root = BenchEnvironment.RepoRoot;
        var controllerDll = Path.Combine(root, "src", "Controller", "bin", "Release", "net10.0", "Orchestrator.Controller.dll");
        if (!File.Exists(controllerDll))
        {
            Console.Error.WriteLine($"{controllerDll} is missing: dotnet build -c Release bench/Orchestrator.Bench");
            return 1;
        }
        var dir = Path.Combine(Path.GetTempPath(), $"p2p-p6-{Environment.ProcessId}");
        var topologies = Path.Combine(dir, "topologies");
        Directory.CreateDirectory(topologies);
        var nics = WriteTopologies(root, topologies, settings.Hosts);
        var log = Path.Combine(dir, "controller.log");
        var data = Path.Combine(dir, "data");
        var httpPort = BenchEnvironment.FreePort();
        var akkaPort = BenchEnvironment.FreePort();
        var baseUrl = $"http://127.0.0.1:{httpPort}";

        // The child writes its log straight to a file (no pipe through this process, which would cost us CPU per log line).
        // An empty working directory: ASP.NET watches its content root (the working directory) recursively for
        // appsettings changes, so a log or journal written under it costs the controller inotify events (measured ~5%
        // of its CPU under this load when the log and data/ sat there, as data/ does in the default all-in-one layout).
        var cwd = Path.Combine(dir, "cwd");
        Directory.CreateDirectory(cwd);
        var start = new ProcessStartInfo("/bin/sh") { WorkingDirectory = cwd, UseShellExecute = false };
        foreach (var a in new[]
        {
            "-c", "exec \"$0\" \"$@\" > \"$P6_LOG\" 2>&1", "dotnet", controllerDll,
            "--topologies", topologies, "--data", data,
            "--urls", baseUrl, "--port", akkaPort.ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["P6_LOG"] = log;
        Console.WriteLine($"P6: {settings.Hosts} hosts, {settings.Clients} clients, {settings.Seconds} s (+{settings.Warmup} s warm-up), {Environment.ProcessorCount} cores, load average {LoadAverage()}, SQLite journal in WAL mode (the controller sets it)");
        Console.WriteLine($"controller: dotnet {controllerDll}, REST {baseUrl}, Akka port {akkaPort}, log {log}");

        using var controller = Process.Start(start) ?? throw new InvalidOperationException("could not start the controller");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        EventHandler onExit = (_, _) => Kill(controller);
        Console.CancelKeyPress += onCancel;
        AppDomain.CurrentDomain.ProcessExit += onExit;
        try
        {
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = Math.Max(64, settings.Clients),
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
                UseProxy = false,
                UseCookies = false,
                AutomaticDecompression = DecompressionMethods.None,
            };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(60) };

            var startup = Stopwatch.StartNew();
            await WaitForHosts(http, controller, log, settings.Hosts, TimeSpan.FromMinutes(3), cancel.Token);
            Console.WriteLine($"all {settings.Hosts} hosts Up {startup.Elapsed.TotalSeconds:F1} s after the start; controller RSS {Rss(controller.Id)}");

            if (settings.IdleSeconds > 0)
            {
                var idleBefore = ProcessCpu(controller.Id);
                await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds), cancel.Token);
                var idle = ProcessCpu(controller.Id) - idleBefore;
                Console.WriteLine($"controller right after all hosts are Up, no load, {settings.IdleSeconds} s: {idle} = {idle.Total / settings.IdleSeconds * 100:F0}% of a core (start-up tail: tier-1 JIT, registrations)");
            }
            var ids = new Counter();
            if (settings.Live > 0)
            {
                await Fill(http, settings, nics, cancel.Token);
                Console.WriteLine($"controller RSS with {settings.Live} live placements: {Rss(controller.Id)}; journal {JournalSummary(data)}");
            }
            if (settings.Warmup > 0)
            {
                await RunPhase(Kind.Cycle, http, settings.Clients, TimeSpan.FromSeconds(settings.Warmup), settings.Hosts, nics, ids, cancel.Token);
            }
            var main = await Measured(Kind.Cycle, "create+release", http, controller, log, settings.Clients, settings.Seconds, settings.Hosts, nics, ids, cancel.Token);
            if (settings.AuxSeconds > 0)
            {
                await Measured(Kind.Explain, "explain (no journal, no node)", http, controller, log, settings.Clients, settings.AuxSeconds, settings.Hosts, nics, ids, cancel.Token);
                await Measured(Kind.Healthz, "GET /healthz (HTTP alone)", http, controller, log, settings.Clients, settings.AuxSeconds, settings.Hosts, nics, ids, cancel.Token);
                await Measured(Kind.Hosts, $"GET /api/v1/hosts ({settings.Hosts} hosts)", http, controller, log, settings.Clients, Math.Max(2, settings.AuxSeconds / 2), settings.Hosts, nics, ids, cancel.Token);
            }
            Console.WriteLine();
            Console.WriteLine($"controller at the end: RSS {Rss(controller.Id)}; journal {JournalSummary(data)}");
            Console.WriteLine($"P6 target: >= 3000 placements/s, p99 <= 50 ms -> measured {main.CreatesPerSecond:F0} placements/s, create p99 {main.CreateP99Ms:F1} ms: {(main.CreatesPerSecond >= 3000 && main.CreateP99Ms <= 50 ? "MET" : "MISSED")}");
            return 0;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Console.Error.WriteLine("cancelled");
            return 130;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            AppDomain.CurrentDomain.ProcessExit -= onExit;
            Kill(controller);
            if (settings.Keep)
            {
                Console.WriteLine($"kept {dir}");
            }
            else
            {
                TryDelete(dir);
            }
        }
    }

    private static Settings Parse(string[] args)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal) { ["--hosts"] = 100, ["--clients"] = 64, ["--seconds"] = 20, ["--warmup"] = 5, ["--aux-seconds"] = 8, ["--idle-seconds"] = 5, ["--live"] = 0 };
        var keep = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--keep")
            {
                keep = true;
            }
            else if (values.ContainsKey(args[i]) && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                values[args[i++]] = n;
            }
            else
            {
                throw new ArgumentException($"p6: unknown or incomplete option '{args[i]}' (--hosts N, --clients N, --seconds N, --warmup N, --aux-seconds N, --idle-seconds N, --live N, --keep)");
            }
        }
        return new Settings(Math.Max(1, values["--hosts"]), Math.Max(1, values["--clients"]), Math.Max(1, values["--seconds"]), values["--warmup"], values["--aux-seconds"], values["--idle-seconds"], keep, Math.Max(0, values["--live"]));
    }

    /// <summary>Copies of the samples with usable p2pmem under the names sim-000…, cycling; returns each host's client NICs.</summary>
    private static string[][] WriteTopologies(string root, string folder, int hosts)
    {
        var texts = Samples.Select(s => File.ReadAllText(Path.Combine(root, "deploy", "topologies", s.File))).ToArray();
        var hostLine = new Regex("^host:.*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        var nics = new string[hosts][];
        for (var i = 0; i < hosts; i++)
        {
            var name = HostName(i);
            var text = hostLine.Replace(texts[i % texts.Length], $"host: {name}", 1);
            File.WriteAllText(Path.Combine(folder, name + ".yaml"), text);
            nics[i] = Samples[i % Samples.Length].Nics;
        }
        return nics;
    }

    private static string HostName(int i) => $"sim-{i:D3}";

    private static async Task WaitForHosts(HttpClient http, Process controller, string log, int hosts, TimeSpan timeout, CancellationToken cancel)
    {
        var deadline = Stopwatch.StartNew();
        var up = 0;
        while (deadline.Elapsed < timeout)
        {
            if (controller.HasExited)
            {
                throw new InvalidOperationException($"the controller exited with {controller.ExitCode}; its log ends:{Environment.NewLine}{Tail(log, 30)}");
            }
            up = await BenchEnvironment.HostsUpAsync(http, cancel) ?? 0;
            if (up >= hosts)
            {
                return;
            }
            await Task.Delay(250, cancel);
        }
        throw new TimeoutException($"only {up} of {hosts} hosts were Up after {timeout}; the controller log ends:{Environment.NewLine}{Tail(log, 30)}");
    }

    private sealed record Outcome(double CreatesPerSecond, double CreateP99Ms);

    /// <summary>One phase with its client figures, the controller's CPU and log growth, and the server histogram's difference.</summary>
    private static async Task<Outcome> Measured(Kind kind, string title, HttpClient http, Process controller, string log, int clients, int seconds,
        int hosts, string[][] nics, Counter ids, CancellationToken cancel)
    {
        var metricsBefore = await Scrape(http, cancel);
        var logBefore = LineCount(log);
        var cpuBefore = ProcessCpu(controller.Id);
        var selfBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var machineBefore = MachineCpu();
        var result = await RunPhase(kind, http, clients, TimeSpan.FromSeconds(seconds), hosts, nics, ids, cancel);
        var machineAfter = MachineCpu();
        var cpu = ProcessCpu(controller.Id) - cpuBefore;
        var self = Process.GetCurrentProcess().TotalProcessorTime - selfBefore;
        var logLines = LineCount(log) - logBefore;
        var metricsAfter = await Scrape(http, cancel);

        var wall = result.Elapsed.TotalSeconds;
        var first = result.Latencies[0];
        var operations = first.Count;
        Console.WriteLine();
        Console.WriteLine($"== {title}: {clients} clients, {wall:F1} s, load average {LoadAverage()}");
        Outcome outcome;
        if (kind == Kind.Cycle)
        {
            var releases = result.Latencies[1].Count;
            Console.WriteLine($"   {releases / wall:F0} create+release cycles/s, {operations / wall:F0} placements (creates)/s, {(operations + releases) / wall:F0} requests/s");
            Console.WriteLine($"   create  {Percentiles(first)}");
            Console.WriteLine($"   release {Percentiles(result.Latencies[1])}");
            outcome = new Outcome(operations / wall, Quantile(first, 0.99));
        }
        else
        {
            Console.WriteLine($"   {operations / wall:F0} requests/s");
            Console.WriteLine($"   latency {Percentiles(first)}");
            outcome = new Outcome(operations / wall, Quantile(first, 0.99));
        }
        var requests = result.Latencies.Sum(l => l.Count);
        var errors = result.Statuses.Where(s => !s.Key.Ok).Sum(s => s.Value);
        Console.WriteLine($"   statuses: {string.Join(", ", result.Statuses.OrderBy(s => s.Key.Operation, StringComparer.Ordinal).ThenBy(s => s.Key.Status).Select(s => $"{s.Key.Operation} {s.Key.Status}: {s.Value}"))}; errors {errors}");
        foreach (var (key, body) in result.Samples)
        {
            Console.WriteLine($"   sample {key.Operation} {key.Status}: {Shorten(body, 400)}");
        }
        var machine = machineAfter - machineBefore;
        Console.WriteLine($"   CPU: controller {cpu} = {cpu.Total / wall * 100:F0}% of a core, {cpu.Total / Math.Max(1, requests) * 1e6:F0} us/request; "
            + $"load generator {self.TotalSeconds:F2} s ({self.TotalSeconds / wall * 100:F0}%); whole machine {machine.Busy:F2} of {machine.Total:F2} core-s busy "
            + $"(others {Math.Max(0, machine.Busy - cpu.Total - self.TotalSeconds):F2})");
        Console.WriteLine($"   controller log: {logLines} lines ({(double)logLines / Math.Max(1, requests):F2} per request)");
        var operationsSeen = kind switch
        {
            Kind.Cycle => new[] { "place", "release" },
            Kind.Explain => ["explain"],
            _ => [],
        };
        foreach (var op in operationsSeen)
        {
            Console.WriteLine($"   server {op}: {ServerHistogram(metricsBefore, metricsAfter, op)}");
        }
        var gcs = string.Join(", ", Enumerable.Range(0, 3).Select(g => $"gen{g} {Diff(metricsBefore, metricsAfter, $"dotnet_collection_count_total{{generation=\"{g}\"}}"):F0}"));
        Console.WriteLine($"   controller GCs: {gcs}; working set {Value(metricsAfter, "process_working_set_bytes") / (1 << 20):F0} MiB");
        return outcome;
    }

    private sealed class Counter
    {
        private long next;

        public long Next() => Interlocked.Increment(ref next);
    }

    private readonly record struct StatusKey(string Operation, int Status, bool Ok);

    private sealed record PhaseResult(TimeSpan Elapsed, List<long>[] Latencies, Dictionary<StatusKey, int> Statuses, Dictionary<StatusKey, string> Samples);

    /// <summary>C workers loop until the duration is up; every latency goes into the worker's own list (no contention), merged after.</summary>
    private static async Task<PhaseResult> RunPhase(Kind kind, HttpClient http, int clients, TimeSpan duration, int hosts, string[][] nics, Counter ids, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var runId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
        var workers = Enumerable.Range(0, clients).Select(w => Task.Run(async () =>
        {
            var random = new Random(w * 7919 + 17);
            var latencies = new[] { new List<long>(1 << 14), new List<long>(1 << 14) };
            var statuses = new Dictionary<StatusKey, int>();
            var samples = new Dictionary<StatusKey, string>();
            while (clock.Elapsed < duration)
            {
                cancel.ThrowIfCancellationRequested();
                switch (kind)
                {
                    case Kind.Cycle:
                        {
                            var host = random.Next(hosts);
                            var requestId = $"p6-{runId}-{ids.Next()}";
                            var (status, location, body) = await Send(http, HttpMethod.Post, "/api/v1/placements", Body(host, nics, random, requestId), latencies[0], cancel);
                            Count(statuses, samples, "create", status, status == 201, body);
                            if (status == 201)
                            {
                                var path = location ?? $"/api/v1/placements/{Uri.EscapeDataString(requestId)}";
                                var (released, _, releaseBody) = await Send(http, HttpMethod.Delete, path, null, latencies[1], cancel);
                                Count(statuses, samples, "release", released, released == 200, releaseBody);
                            }
                            break;
                        }
                    case Kind.Explain:
                        {
                            var (status, _, body) = await Send(http, HttpMethod.Post, "/api/v1/placements/explain", Body(random.Next(hosts), nics, random, null), latencies[0], cancel);
                            Count(statuses, samples, "explain", status, status == 200, body);
                            break;
                        }
                    case Kind.Healthz:
                        {
                            var (status, _, body) = await Send(http, HttpMethod.Get, "/healthz", null, latencies[0], cancel);
                            Count(statuses, samples, "healthz", status, status == 200, body);
                            break;
                        }
                    case Kind.Hosts:
                        {
                            var (status, _, body) = await Send(http, HttpMethod.Get, "/api/v1/hosts", null, latencies[0], cancel);
                            Count(statuses, samples, "hosts", status, status == 200, body);
                            break;
                        }
                }
            }
            return (latencies, statuses, samples);
        }, cancel)).ToList();
        var results = await Task.WhenAll(workers);
        var elapsed = clock.Elapsed;
        var merged = new[] { new List<long>(), new List<long>() };
        var allStatuses = new Dictionary<StatusKey, int>();
        var allSamples = new Dictionary<StatusKey, string>();
        foreach (var (latencies, statuses, samples) in results)
        {
            merged[0].AddRange(latencies[0]);
            merged[1].AddRange(latencies[1]);
            foreach (var (key, n) in statuses)
            {
                allStatuses[key] = allStatuses.GetValueOrDefault(key) + n;
            }
            foreach (var (key, body) in samples)
            {
                allSamples.TryAdd(key, body);
            }
        }
        merged[0].Sort();
        merged[1].Sort();
        return new PhaseResult(elapsed, merged, allStatuses, allSamples);
    }

    /// <summary>Places <see cref="Settings.Live"/> 4 KiB buffers that stay for the measured phases (the book, snapshots and pools then hold them).</summary>
    private static async Task Fill(HttpClient http, Settings settings, string[][] nics, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var next = -1;
        var failed = 0;
        string? sample = null;
        await Task.WhenAll(Enumerable.Range(0, settings.Clients).Select(w => Task.Run(async () =>
        {
            var random = new Random(w * 104729 + 3);
            var unused = new List<long>();
            for (var i = Interlocked.Increment(ref next); i < settings.Live; i = Interlocked.Increment(ref next))
            {
                var host = i % settings.Hosts;
                var nic = nics[host][random.Next(nics[host].Length)];
                var json = $"{{\"host\":\"{HostName(host)}\",\"clients\":[\"{nic}\"],\"sizeBytes\":4096,\"requestId\":\"live-{i.ToString(CultureInfo.InvariantCulture)}\"}}";
                var (status, _, body) = await Send(http, HttpMethod.Post, "/api/v1/placements", json, unused, cancel);
                if (status != 201)
                {
                    Interlocked.Increment(ref failed);
                    sample ??= $"{status} {body}";
                }
            }
        }, cancel)));
        Console.WriteLine($"live placements: {settings.Live} placed in {clock.Elapsed.TotalSeconds:F1} s ({settings.Live / clock.Elapsed.TotalSeconds:F0}/s), {failed} not 201{(sample is null ? string.Empty : $" (first: {sample})")}");
    }

    private static string Body(int host, string[][] nics, Random random, string? requestId)
    {
        var choices = nics[host];
        var nic = choices[random.Next(choices.Length)];
        var size = random.NextInt64(64L << 10, (1L << 20) + 1);
        var id = requestId is null ? string.Empty : $",\"requestId\":\"{requestId}\"";
        return $"{{\"host\":\"{HostName(host)}\",\"clients\":[\"{nic}\"],\"sizeBytes\":{size.ToString(CultureInfo.InvariantCulture)}{id}}}";
    }

    /// <summary>One request; the latency is measured to the end of the response body, as a client sees it.</summary>
    private static async Task<(int Status, string? Location, string Body)> Send(HttpClient http, HttpMethod method, string path, string? json, List<long> latencies, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }
        var started = Stopwatch.GetTimestamp();
        int status;
        string? location;
        string body;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancel);
            body = await response.Content.ReadAsStringAsync(cancel);
            status = (int)response.StatusCode;
            location = response.Headers.Location?.OriginalString;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
        {
            status = 0;  // transport error or client timeout
            location = null;
            body = e.GetType().Name + ": " + e.Message;
        }
        latencies.Add(Stopwatch.GetTimestamp() - started);
        return (status, location, body);
    }

    private static void Count(Dictionary<StatusKey, int> statuses, Dictionary<StatusKey, string> samples, string operation, int status, bool ok, string body)
    {
        var key = new StatusKey(operation, status, ok);
        statuses[key] = statuses.GetValueOrDefault(key) + 1;
        if (!ok)
        {
            samples.TryAdd(key, body);
        }
    }

    private static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Quantile(List<long> sorted, double q)
        => sorted.Count == 0 ? double.NaN : Ms(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)]);

    private static string Percentiles(List<long> sorted) => sorted.Count == 0 ? "no requests"
        : string.Create(CultureInfo.InvariantCulture, $"n={sorted.Count}: p50 {Quantile(sorted, 0.5):F2} ms, p90 {Quantile(sorted, 0.9):F2}, p99 {Quantile(sorted, 0.99):F2}, max {Ms(sorted[^1]):F2}, mean {sorted.Average(Ms):F2}");

    // --- the controller's /metrics ---

    private static async Task<Dictionary<string, double>> Scrape(HttpClient http, CancellationToken cancel)
    {
        var text = await http.GetStringAsync("/metrics", cancel);
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var space = line.LastIndexOf(' ');
            if (space > 0 && double.TryParse(line.AsSpan(space + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
            {
                values[line[..space]] = v;
            }
        }
        return values;
    }

    private static double Value(Dictionary<string, double> m, string key) => m.GetValueOrDefault(key);

    private static double Diff(Dictionary<string, double> before, Dictionary<string, double> after, string key) => Value(after, key) - Value(before, key);

    /// <summary>The server-side time (endpoint handler: body, validation, the coordinator's answer) over the phase: count, mean and bucket-interpolated quantiles.</summary>
    private static string ServerHistogram(Dictionary<string, double> before, Dictionary<string, double> after, string operation)
    {
        var prefix = $"{Histogram}_bucket{{operation=\"{operation}\",le=\"";
        var buckets = after.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => (Le: k[prefix.Length..^2] == "+Inf" ? double.PositiveInfinity : double.Parse(k[prefix.Length..^2], CultureInfo.InvariantCulture), Count: Diff(before, after, k)))
            .OrderBy(b => b.Le)
            .ToList();
        var count = Diff(before, after, $"{Histogram}_count{{operation=\"{operation}\"}}");
        var sum = Diff(before, after, $"{Histogram}_sum{{operation=\"{operation}\"}}");
        if (count <= 0 || buckets.Count == 0)
        {
            return "no observations";
        }
        string Q(double q)
        {
            var rank = q * count;
            var (lower, below) = (0.0, 0.0);
            foreach (var (le, cumulative) in buckets)
            {
                if (cumulative >= rank)
                {
                    if (double.IsPositiveInfinity(le))
                    {
                        return string.Create(CultureInfo.InvariantCulture, $"> {lower * 1000:F1}");
                    }
                    var at = lower + ((le - lower) * (rank - below) / Math.Max(1, cumulative - below));
                    return (at * 1000).ToString("F2", CultureInfo.InvariantCulture);
                }
                (lower, below) = (le, cumulative);
            }
            return "?";
        }
        return string.Create(CultureInfo.InvariantCulture, $"n={count:F0}, mean {sum / count * 1000:F2} ms, p50 ~{Q(0.5)} ms, p90 ~{Q(0.9)}, p99 ~{Q(0.99)} (interpolated in x2 buckets)");
    }

    // --- processes and the machine ---

    /// <summary>User and system CPU of a process, from <c>/proc/PID/stat</c> (utime and stime, clock ticks of 1/100 s).</summary>
    private readonly record struct ProcessTime(double User, double System)
    {
        public double Total => User + System;

        public static ProcessTime operator -(ProcessTime a, ProcessTime b) => new(a.User - b.User, a.System - b.System);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Total:F2} s (user {User:F2}, system {System:F2})");
    }

    private static ProcessTime ProcessCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // After "(comm) ": state is field 3 of proc(5), utime field 14 and stime field 15.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return new ProcessTime(long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
    }

    private readonly record struct MachineTime(double Busy, double Total)
    {
        public static MachineTime operator -(MachineTime a, MachineTime b) => new(a.Busy - b.Busy, a.Total - b.Total);
    }

    private static MachineTime MachineCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture) / 100.0).ToArray();
        var idle = fields[3] + fields[4];
        var total = fields.Sum();
        return new MachineTime(total - idle, total);
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Rss(int pid)
        => File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "?";

    private static long LineCount(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var buffer = new byte[1 << 16];
        long lines = 0;
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return lines;
    }

    private static string Tail(string path, int lines)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var all = reader.ReadToEnd().Split('\n');
        return string.Join(Environment.NewLine, all.TakeLast(lines));
    }

    /// <summary>Files, and the rows the run wrote: events by the coordinator and by the pools, snapshots and their bytes.</summary>
    private static string JournalSummary(string data)
    {
        if (!Directory.Exists(data))
        {
            return "none";
        }
        var files = string.Join(", ", Directory.EnumerateFiles(data).Order(StringComparer.Ordinal).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1024.0 / 1024.0:F1} MiB"));
        var db = Path.Combine(data, "controller.db");
        if (!File.Exists(db))
        {
            return files;
        }
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly");
            connection.Open();
            string Scalar(string sql)
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "?";
            }
            return $"{files}; events: coordinator {Scalar("SELECT count(*) FROM journal WHERE persistence_id = 'placement-coordinator'")}, "
                + $"pools {Scalar("SELECT count(*) FROM journal WHERE persistence_id LIKE 'pool/%'")}; "
                + $"snapshots {Scalar("SELECT count(*) FROM snapshot")} ({Scalar("SELECT coalesce(sum(length(snapshot)), 0) / 1048576 FROM snapshot")} MiB, "
                + $"coordinator's largest {Scalar("SELECT coalesce(max(length(snapshot)), 0) / 1024 FROM snapshot WHERE persistence_id = 'placement-coordinator'")} KiB)";
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return $"{files}; (could not read the journal: {e.Message})";
        }
    }

    private static string Shorten(string text, int max) => (text.Length <= max ? text : text[..max] + "…").ReplaceLineEndings(" ");

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
            Console.Error.WriteLine($"could not delete {dir}");
        }
    }
}
