using System.Text.Json;
using Orchestrator.Cli.Tests.Remote;

namespace Orchestrator.Cli.Tests.Commands;

/// <summary><c>p2pctl events [--watch]</c> against a real controller: the history as lines, as JSON, and live (issue 16).</summary>
public sealed class EventsCommandTests(ControllerFixture controller) : IClassFixture<ControllerFixture>
{
    private const string Nic = "0000:03:00.0";

    /// <summary>The controller reads its journal a few times a second: waits until the placement's events are there.</summary>
    private CliRun EventsOf(string placement, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var run = controller.Run("events", "--placement", placement);
            if (run.ExitCode != 0 || run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= count || DateTime.UtcNow > deadline)
            {
                return run;
            }
            Thread.Sleep(100);
        }
    }

    [Fact]
    public void Events_prints_a_placement_s_history_as_lines_oldest_first()
    {
        Assert.Equal(0, controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--request-id", "events-1", "--provider", "0000:06:00.0").ExitCode);
        Assert.Equal(0, controller.Run("placements", "release", "events-1").ExitCode);

        var run = EventsOf("events-1", 4);
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["requested", "committed", "release-requested", "released"], lines.Select(l => l.Split(' ')[2]));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ #\d+ requested storage-01 0000:06:00\.0 placement events-1 1 MiB by anonymous: 1048576 bytes for 0000:03:00\.0", lines[0]);
        Assert.Contains("; closer 0000:04:00.0 (PIX, distance 4) rejected: not the pinned provider 0000:06:00.0", lines[0], StringComparison.Ordinal);

        var json = controller.Run("events", "--placement", "events-1", "--json").Json();
        Assert.Equal(4, json.GetProperty("events").GetArrayLength());
        Assert.Equal("released", json.GetProperty("events")[0].GetProperty("kind").GetString());  // the controller's page: newest first
    }

    [Fact]
    public async Task Watch_prints_new_events_as_they_are_journaled()
    {
        var newest = controller.Run("events", "--limit", "1", "--json").Json().GetProperty("newest").GetInt64();
        var watching = Task.Run(() => controller.Run("events", "--watch", "--placement", "watched-1", "--since", newest.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", "2", "-o", "json"));
        await Task.Delay(500);
        Assert.Equal(0, controller.Run("placements", "place", "--host", "storage-02", "--client", "0000:43:00.0", "--size", "4096", "--request-id", "watched-1").ExitCode);
        var run = await watching.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(run.ExitCode == 0, run.Stderr);
        var events = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["requested", "committed"], events.Select(e => e.GetProperty("kind").GetString()));
        Assert.All(events, e => Assert.True(e.GetProperty("sequence").GetInt64() > newest));
    }

    [Fact]
    public void A_bad_limit_is_refused_before_anything_is_asked()
    {
        var run = controller.Run("events", "--limit", "0");
        Assert.Equal(P2pctl.BadUsage, run.ExitCode);
        Assert.Contains("--limit must be a positive number", run.Stderr, StringComparison.Ordinal);
    }
}
