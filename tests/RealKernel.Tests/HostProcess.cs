using System.Diagnostics;
using System.Text;

namespace Orchestrator.RealKernel.Tests;

/// <summary>Runs one host command to its end (stdout and stderr into a file), killed with its children past a timeout.</summary>
internal static class HostProcess
{
    public sealed record Result(int ExitCode, TimeSpan Elapsed, string Output);

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, string outputFile, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? GuestKit.RepoRoot,
        };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        process.StandardInput.Close();
        var output = new StringBuilder();
        var gate = new object();
        void Add(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.Append(line).Append('\n');
                }
            }
        }
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            string partial;
            lock (gate)
            {
                partial = output.ToString();
            }
            await File.WriteAllTextAsync(outputFile, partial);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} did not end within {timeout.TotalSeconds:F0} s (output: {outputFile})");
        }
        process.WaitForExit();
        string text;
        lock (gate)
        {
            text = output.ToString();
        }
        await File.WriteAllTextAsync(outputFile, text);
        return new Result(process.ExitCode, watch.Elapsed, text);
    }
}
