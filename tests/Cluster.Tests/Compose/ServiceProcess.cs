using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orchestrator.Cluster.Tests.Compose;

/// <summary>
/// One compose service run as a local child process (<c>dotnet &lt;entry dll&gt;</c>) with exactly the environment
/// given (the test's own environment is not inherited, only what <c>dotnet</c> needs to start). Output lines are kept
/// for the test's report. Every started process is SIGKILLed at dispose and, as a last resort, when the test
/// process exits.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private static readonly ConcurrentDictionary<Process, byte> Live = new();
    private static readonly string[] Inherited = ["PATH", "HOME", "DOTNET_ROOT", "TMPDIR", "LANG", "DOTNET_CLI_HOME"];

    private readonly ConcurrentQueue<string> lines;
    private readonly string dll;
    private readonly string workingDirectory;
    private Process? process;

    static ServiceProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var p in Live.Keys)
            {
                KillQuietly(p);
            }
        };
    }

    public ServiceProcess(string name, string dll, IReadOnlyDictionary<string, string> environment, string workingDirectory, ConcurrentQueue<string> lines)
    {
        Name = name;
        this.dll = dll;
        Environment = environment;
        this.workingDirectory = workingDirectory;
        this.lines = lines;
    }

    public string Name { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>How many times it was started (a restart is a new incarnation).</summary>
    public int Incarnation { get; private set; }

    public bool IsRunning => process is { HasExited: false };

    public int? ExitCode => process is { HasExited: true } p ? p.ExitCode : null;

    public void Start()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running");
        }
        Directory.CreateDirectory(workingDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment.Clear();
        foreach (var key in Inherited)
        {
            if (System.Environment.GetEnvironmentVariable(key) is { } value)
            {
                start.Environment[key] = value;
            }
        }
        foreach (var (key, value) in Environment)
        {
            start.Environment[key] = value;
        }
        Incarnation++;
        var tag = $"[{Name}#{Incarnation}]";
        var p = new Process { StartInfo = start };
        p.OutputDataReceived += (_, e) => Keep(tag, e.Data);
        p.ErrorDataReceived += (_, e) => Keep(tag + "!", e.Data);
        p.Start();
        Live[p] = 0;
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        process = p;
        lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {tag} started pid {p.Id}: dotnet {Path.GetFileName(dll)}");
    }

    /// <summary>SIGKILL the process (and anything it started): no shutdown, no flush, as a crash or <c>docker kill</c>.</summary>
    public void Kill()
    {
        if (process is { } p)
        {
            KillQuietly(p);
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} [{Name}#{Incarnation}] killed (SIGKILL)");
            Live.TryRemove(p, out _);
            p.Dispose();
            process = null;
        }
    }

    public void Dispose() => Kill();

    private void Keep(string tag, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {tag} {line}");
        }
    }

    private static void KillQuietly(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }
}
