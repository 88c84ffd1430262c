using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>
/// The controller as it ships (<c>src/Controller/bin/&lt;configuration&gt;/&lt;tfm&gt;/Orchestrator.Controller.dll</c>,
/// built with this test project) run as a real process in the all-in-one mode on a data folder and fixed ports, so a
/// test can SIGKILL it and start it again on the same journal. Its last output lines are kept for failure messages.
/// </summary>
internal sealed class ControllerProcess : IDisposable
{
    private readonly ConcurrentQueue<string> lines = new();
    private Process? process;

    public ControllerProcess(string data)
    {
        Data = data;
        Url = $"http://127.0.0.1:{FreePorts.Next().ToString(CultureInfo.InvariantCulture)}";
        AkkaPort = FreePorts.Next();
    }

    public string Data { get; }

    public string Url { get; }

    public int AkkaPort { get; }

    /// <summary>The shipped controller's entry assembly, in the configuration this test was built in.</summary>
    public static string Dll
    {
        get
        {
            var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(FixturePaths.RepoRoot, "src", "Controller", "bin", tfm.Parent!.Name, tfm.Name, "Orchestrator.Controller.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"{dll} is not built: dotnet build tests/Controller.Tests builds it");
        }
    }

    public string Tail => string.Join('\n', lines.TakeLast(60));

    public void Start(params string[] extra)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Data };
        foreach (var a in new[] { Dll, "--data", Data, "--port", AkkaPort.ToString(CultureInfo.InvariantCulture), "--urls", Url }.Concat(extra))
        {
            start.ArgumentList.Add(a);
        }
        Directory.CreateDirectory(Data);
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is flushed that was not already.</summary>
    public void Kill()
    {
        if (process is { HasExited: false } p)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(10_000);
        }
    }

    /// <summary>Until every host is up (the controller answers, its hosts registered), within <paramref name="timeout"/>.</summary>
    public async Task WaitForHostsAsync(HttpClient http, IReadOnlyCollection<string> hosts, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process is { HasExited: true } gone)
            {
                Assert.Fail($"the controller exited with {gone.ExitCode}:\n{Tail}");
            }
            try
            {
                var view = await http.GetFromJsonAsync<JsonElement>($"{Url}/api/v1/hosts");
                if (hosts.All(h => view.EnumerateArray().Any(v => v.GetProperty("host").GetString() == h && v.GetProperty("status").GetString() == "up")))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet, or 503 while the coordinator starts.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"the hosts {string.Join(", ", hosts)} were not up within {timeout.TotalSeconds} s:\n{Tail}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }
        lines.Enqueue(line);
        while (lines.Count > 200 && lines.TryDequeue(out _))
        {
        }
    }

    public void Dispose()
    {
        Kill();
        process?.Dispose();
    }
}
