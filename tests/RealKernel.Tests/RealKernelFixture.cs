using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace Orchestrator.RealKernel.Tests;

/// <summary>
/// One QEMU boot (software emulation, no KVM) of the guest kit's Linux 6.12 on the <see cref="Topology"/> topology with
/// our own p2pctl, node agent and controller inside: publishes the three programs (framework-dependent, from this
/// build), packs an initramfs with <c>guest/rk-guest.sh</c>, boots it, and keeps what the guest printed
/// (<see cref="GuestLog"/>). The whole console log is kept under the test's output folder (<see cref="LogPath"/>).
/// Missing QEMU, cpio, a static busybox or the kit: every test skips with the reason, or fails when <c>CI</c> is set.
/// </summary>
public sealed class RealKernelFixture : IAsyncLifetime
{
    /// <summary>
    /// run-guest.sh's <c>two-switches</c>: root port 00:02.0 → switch A (NVMe+CMB 64 MiB 03:00.0, NVMe without CMB
    /// 04:00.0), root port 00:03.0 → switch B (NVMe+CMB 32 MiB 07:00.0, virtio-net NIC 08:00.0): two providers behind
    /// different switches and root ports, the NIC behind the other switch than the namespace's drive.
    /// </summary>
    public const string Topology = "two-switches";

    private static readonly string Configuration = typeof(RealKernelFixture).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";

    private readonly List<(string Step, double Seconds)> timings = [];
    private string? unavailable;
    private Exception? failure;
    private GuestLog? log;

    /// <summary>The folder under the test's output folder with the guest's console log and the host steps' output.</summary>
    public string OutputDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "real-kernel");

    public string LogPath => Path.Combine(OutputDirectory, "guest-console.log");

    public int? GuestExitCode { get; private set; }

    /// <summary>The guest's results; skips (or fails, in CI) when the guest could not run, fails when the run broke.</summary>
    public GuestLog Log
    {
        get
        {
            if (unavailable is not null)
            {
                if (GuestKit.InCi)
                {
                    throw new XunitException($"CI is set and the real-kernel test cannot run: {unavailable}");
                }
                Skip.If(true, $"the real-kernel test needs QEMU and the guest kit: {unavailable}");
            }
            if (failure is not null)
            {
                throw new XunitException($"the real-kernel guest run failed: {failure.Message}\n(guest log: {LogPath})\n{Summary}", failure);
            }
            return log!;
        }
    }

    /// <summary>Where the log is, and every timing measured, for each test's output.</summary>
    public string Summary
    {
        get
        {
            var text = new StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"guest log: {LogPath}\ntopology: {Topology}; timings (s):");
            foreach (var (step, seconds) in timings)
            {
                text.Append(CultureInfo.InvariantCulture, $" {step} {seconds:F1};");
            }
            return text.ToString();
        }
    }

    public async Task InitializeAsync()
    {
        var missing = GuestKit.Missing();
        if (missing.Count > 0)
        {
            unavailable = string.Join("; ", missing);
            return;
        }
        try
        {
            await RunAsync();
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException or XunitException or UnauthorizedAccessException)
        {
            failure = e;
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task RunAsync()
    {
        var total = Stopwatch.StartNew();
        if (Directory.Exists(OutputDirectory))
        {
            Directory.Delete(OutputDirectory, recursive: true);
        }
        Directory.CreateDirectory(OutputDirectory);
        var work = Path.Combine(Path.GetTempPath(), "rk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        try
        {
            var payload = Path.Combine(work, "payload");
            var watch = Stopwatch.StartNew();
            foreach (var (project, name) in new[] { ("Cli", "p2pctl"), ("Node", "Node"), ("Controller", "Controller") })
            {
                await PublishAsync(project, Path.Combine(payload, name));
            }
            timings.Add(("publish", watch.Elapsed.TotalSeconds));

            watch.Restart();
            var initrd = Path.Combine(work, "guest.cpio");
            var script = Path.Combine(AppContext.BaseDirectory, "guest", "rk-guest.sh");
            var pack = await HostProcess.RunAsync("bash", [Path.Combine(GuestKit.Directory, "build-initramfs.sh"), initrd, payload, script],
                Path.Combine(OutputDirectory, "build-initramfs.log"), TimeSpan.FromMinutes(10), new Dictionary<string, string> { ["COMPRESS"] = "none" });
            if (pack.ExitCode != 0)
            {
                throw new InvalidOperationException($"build-initramfs.sh exited {pack.ExitCode}: {GuestLog.Shorten(pack.Output)}");
            }
            timings.Add(("initramfs", watch.Elapsed.TotalSeconds));

            // The guest's own waits end by themselves (RK_WAIT_MAX in rk-guest.sh); this only catches a hung guest.
            var guestTimeout = int.TryParse(Environment.GetEnvironmentVariable("RK_TIMEOUT"), out var t) ? t : 1800;
            watch.Restart();
            var boot = await HostProcess.RunAsync("bash", [Path.Combine(GuestKit.Directory, "run-guest.sh"), initrd, LogPath],
                Path.Combine(OutputDirectory, "run-guest.log"), TimeSpan.FromSeconds(guestTimeout + 60),
                new Dictionary<string, string> { ["TOPO"] = Topology, ["QUIET"] = "1", ["TIMEOUT"] = guestTimeout.ToString(CultureInfo.InvariantCulture) });
            var qemu = watch.Elapsed.TotalSeconds;
            log = GuestLog.Parse(File.ReadLines(LogPath));
            GuestExitCode = log.ExitCode;
            if (log.InitAt is { } init)
            {
                timings.Add(("boot-to-init", init));
            }
            AddMilestone("kernel-checks", "processes-started", "kernel-checks-done");
            AddMilestone("p2pctl-tree", "processes-started", "p2pctl-tree-done");
            AddMilestone("controller-ready", "processes-started", "controller-ready");
            AddMilestone("node-registered", "processes-started", "node-registered");
            AddMilestone("topology+explain", "node-registered", "explain-done");
            AddMilestone("place-applied", "explain-done", "b-applied");
            AddMilestone("release-applied", "b-applied", "b-released");
            AddMilestone("nic+pair-placements", "b-released", "pair-done");
            AddMilestone("managed-placed-enabled", "pair-done", "m-applied");
            AddMilestone("managed-healed", "m-applied", "m-healed");
            AddMilestone("managed-einval-seen", "m-healed", "m-einval");
            AddMilestone("stop", "m-done", "stopped");
            timings.Add(("qemu", qemu));
            timings.Add(("total", total.Elapsed.TotalSeconds));
            if (log.ExitAt is null)
            {
                throw new InvalidOperationException($"the guest never printed GK-EXIT (run-guest.sh exited {boot.ExitCode}: {GuestLog.Shorten(boot.Output)})");
            }
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("RK_KEEP") != "1")
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private void AddMilestone(string step, string from, string to)
    {
        if (log!.Between(from, to) is { } seconds)
        {
            timings.Add((step, seconds));
        }
    }

    /// <summary>
    /// Sets <c>System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported</c> to false in each app's
    /// runtimeconfig.json: expression trees are then interpreted instead of compiled to IL that the JIT, emulated here,
    /// compiles with full optimization (linq2db builds many at a journal's first query). The code paths are the ones
    /// .NET takes without dynamic code; <c>RK_INTERPRET_EXPRESSIONS=0</c> leaves the runtimeconfig as built.
    /// </summary>
    private static void InterpretExpressions(string output)
    {
        foreach (var file in Directory.GetFiles(output, "*.runtimeconfig.json"))
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            var options = root["runtimeOptions"]!.AsObject();
            if (options["configProperties"] is not JsonObject properties)
            {
                options["configProperties"] = properties = [];
            }
            properties["System.Runtime.CompilerServices.RuntimeFeature.IsDynamicCodeSupported"] = false;
            File.WriteAllText(file, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
    }

    /// <summary>
    /// <c>dotnet publish --no-build</c> of this build's output (framework-dependent, portable: the kit's
    /// build-initramfs.sh adds the host's shared runtime), native libraries for linux-x64 only.
    /// </summary>
    private async Task PublishAsync(string project, string output)
    {
        var result = await HostProcess.RunAsync("dotnet",
            ["publish", Path.Combine(GuestKit.RepoRoot, "src", project), "--no-build", "-c", Configuration, "-o", output, "-p:InvariantGlobalization=true", "-nologo"],
            Path.Combine(OutputDirectory, $"publish-{project}.log"), TimeSpan.FromMinutes(10),
            new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" });
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish src/{project} exited {result.ExitCode}: {GuestLog.Shorten(result.Output)}");
        }
        if (Environment.GetEnvironmentVariable("RK_INTERPRET_EXPRESSIONS") != "0")
        {
            InterpretExpressions(output);
        }
        var runtimes = Path.Combine(output, "runtimes");
        if (Directory.Exists(runtimes))
        {
            foreach (var rid in Directory.GetDirectories(runtimes))
            {
                if (Path.GetFileName(rid) is not ("linux-x64" or "unix"))
                {
                    Directory.Delete(rid, recursive: true);
                }
            }
        }
    }
}
