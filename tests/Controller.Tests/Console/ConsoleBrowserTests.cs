using System.Diagnostics;
using System.Globalization;
using Orchestrator.Tests.Shared;
using Xunit.Abstractions;

namespace Orchestrator.Controller.Tests.Console;

/// <summary>
/// The web console in a real browser (issue 16): <c>console.browser.mjs</c> drives Debian's Chromium with playwright-core
/// (both installed by <c>.ci/run</c>: the browser from Debian, playwright-core under <c>.tools/</c>) against a real
/// all-in-one controller process it starts, kills with SIGKILL and starts again. The pages render the sample hosts,
/// the tree shows every function of storage-01, an explain on the page matches the REST answer, a placement made
/// through REST appears without a reload, before and after the event stream dropped; unknown hosts and placements
/// say so; actions ask for the token. Screenshots of each page go to <c>artifacts/console/</c>. Without the browser
/// or playwright-core the test is skipped outside CI and fails with CI set.
/// </summary>
public sealed class ConsoleBrowserTests(ITestOutputHelper output)
{
    public static string Artifacts => Path.Combine(FixturePaths.RepoRoot, "artifacts", "console");

    [SkippableFact]
    public async Task The_console_shows_the_sample_cluster_and_follows_it_live_in_chromium()
    {
        var playwright = Path.Combine(FixturePaths.RepoRoot, ".tools", "node_modules", "playwright-core", "index.mjs");
        const string chromium = "/usr/bin/chromium";
        var missing = new[] { (playwright, "npm install --prefix .tools playwright-core"), (chromium, "apt-get install chromium") }
            .Where(m => !File.Exists(m.Item1)).Select(m => $"{m.Item1} ({m.Item2})").ToList();
        if (missing.Count > 0)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, $"CI is set and the browser test lacks {string.Join(", ", missing)}: .ci/run installs them");
            Skip.If(true, $"needs {string.Join(", ", missing)}");
        }
        using var data = new TempDirectory();
        if (Directory.Exists(Artifacts))
        {
            Directory.Delete(Artifacts, recursive: true);  // the screenshots checked below are this run's
        }
        var script = Path.Combine(FixturePaths.RepoRoot, "tests", "Controller.Tests", "Console", "console.browser.mjs");
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = data.Path };
        start.ArgumentList.Add(script);
        start.Environment["CONTROLLER_DLL"] = Hosting.ControllerProcess.Dll;
        start.Environment["PLAYWRIGHT_CORE"] = playwright;
        start.Environment["CHROMIUM"] = chromium;
        start.Environment["ARTIFACTS"] = Artifacts;
        start.Environment["DATA"] = data.Combine("controller");
        start.Environment["HTTP_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        start.Environment["AKKA_PORT"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture);
        using var run = Process.Start(start)!;
        var stdout = run.StandardOutput.ReadToEndAsync();
        var stderr = run.StandardError.ReadToEndAsync();
        try
        {
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            run.Kill(entireProcessTree: true);
            throw;
        }
        var text = await stdout + await stderr;
        output.WriteLine(text);
        Assert.True(run.ExitCode == 0, $"the browser checks failed (screenshots in {Artifacts}):\n{text}");
        foreach (var page in new[] { "cluster", "host-storage-01", "explain", "placements", "placement-history", "unknown-host", "stream-resumed" })
        {
            Assert.True(File.Exists(Path.Combine(Artifacts, page + ".png")), $"no screenshot of {page}");
        }
    }
}
