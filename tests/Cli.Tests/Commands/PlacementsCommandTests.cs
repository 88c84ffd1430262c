using Orchestrator.Cli.Tests.Remote;

namespace Orchestrator.Cli.Tests.Commands;

/// <summary>Placements against a real controller; each test uses its own request ids (a placement's id is its request id).</summary>
public sealed class PlacementsCommandTests(ControllerFixture controller) : IClassFixture<ControllerFixture>
{
    private const string Nic = "0000:03:00.0";
    private const string Nic02 = "0000:43:00.0";
    private const string Nic03 = "0000:01:00.0";

    [Fact]
    public void Place_show_list_and_release()
    {
        var place = controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--request-id", "cycle-1");
        Assert.True(place.ExitCode == 0, place.Stderr);
        Assert.StartsWith("placed cycle-1 (request id cycle-1)", place.Stdout, StringComparison.Ordinal);
        Assert.Contains("1 MiB (1048576 bytes)", place.Stdout, StringComparison.Ordinal);

        var show = controller.Run("placements", "show", "cycle-1");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("state       committed", show.Stdout, StringComparison.Ordinal);
        Assert.Contains($"clients     {Nic}", show.Stdout, StringComparison.Ordinal);
        var view = controller.Run("placements", "show", "cycle-1", "--json").Json();
        Assert.Equal("committed", view.GetProperty("state").GetString());
        Assert.Equal(1048576, view.GetProperty("sizeBytes").GetInt64());

        var ls = controller.Run("placements", "ls", "--host", "storage-01", "--state", "committed");
        Assert.True(ls.ExitCode == 0, ls.Stderr);
        Assert.StartsWith("ID", ls.Stdout, StringComparison.Ordinal);
        Assert.Contains(ls.Stdout.Split('\n'), l => l.StartsWith("cycle-1  storage-01  0000:0", StringComparison.Ordinal) && l.Contains("committed  -      1 MiB", StringComparison.Ordinal));
        var page = controller.Run("placements", "ls", "--host", "storage-01", "--json").Json();
        Assert.Contains(page.GetProperty("items").EnumerateArray(), p => p.GetProperty("placementId").GetString() == "cycle-1");

        var release = controller.Run("placements", "release", "cycle-1");
        Assert.True(release.ExitCode == 0, release.Stderr);
        Assert.Matches("^placement cycle-1: (releasing|released)\n$", release.Stdout);
        Assert.Equal(0, controller.Run("placements", "release", "cycle-1").ExitCode);
        Assert.DoesNotContain("cycle-1", controller.Run("placements", "ls", "--state", "committed").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Place_twice_with_one_request_id_places_once()
    {
        var first = controller.Run("placements", "place", "--host", "storage-02", "--client", Nic02, "--size", "64KiB", "--request-id", "idem-1", "--json").Json();
        Assert.False(first.GetProperty("existing").GetBoolean());
        var again = controller.Run("placements", "place", "--host", "storage-02", "--client", Nic02, "--size", "64KiB", "--request-id", "idem-1");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.StartsWith("placement idem-1 already exists", again.Stdout, StringComparison.Ordinal);
        var page = controller.Run("placements", "ls", "--host", "storage-02", "--json").Json();
        Assert.Single(page.GetProperty("items").EnumerateArray(), p => p.GetProperty("requestId").GetString() == "idem-1");

        var conflict = OneLine.Failure(controller.Run("placements", "place", "--host", "storage-02", "--client", Nic02, "--size", "128KiB", "--request-id", "idem-1"), 1);
        Assert.StartsWith("p2pctl: 409", conflict, StringComparison.Ordinal);
    }

    [Fact]
    public void Place_without_a_request_id_generates_one_and_prints_it()
    {
        var run = controller.Run("placements", "place", "--host", "storage-02", "--client", Nic02, "--size", "4096", "--json");
        var id = run.Json().GetProperty("placement").GetProperty("requestId").GetString()!;
        Assert.StartsWith("p2pctl-", id, StringComparison.Ordinal);
        var human = controller.Run("placements", "place", "--host", "storage-02", "--client", Nic02, "--size", "4KiB");
        Assert.Matches("^placed p2pctl-[0-9a-f]{32} \\(request id p2pctl-[0-9a-f]{32}, generated: pass --request-id to retry safely\\)", human.Stdout);
    }

    [Fact]
    public void Explain_ranks_every_provider_with_its_reason()
    {
        var run = controller.Run("placements", "explain", "--host", "storage-01", "--client", Nic, "--size", "2M");
        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches("^host storage-01, mode orchestrator: provider 0000:0[456]:00.0$", lines[0]);
        Assert.StartsWith("RANK  PROVIDER", lines[1], StringComparison.Ordinal);
        Assert.Equal(3, lines[2..].Count(l => l.Contains(" 0000:0", StringComparison.Ordinal)));
        Assert.StartsWith("1 ", lines[2], StringComparison.Ordinal);
        // The narrowest link as rate, width and data rate: the NIC's x4 at 16 GT/s, not "64 GT/s".
        Assert.Contains("16 GT/s x4 ≈ 7.9 GB/s", lines[2], StringComparison.Ordinal);
        // The OS's names, from the host's topology (storage-01's NVMe drives are nvme0..2).
        Assert.Matches(@"^1 +0000:0[456]:00\.0 +nvme[012] +yes ", lines[2]);

        var json = controller.Run("placements", "explain", "--host", "storage-01", "--client", Nic, "--size", "2M", "--max-level", "PIX", "--json").Json();
        Assert.Equal("storage-01", json.GetProperty("host").GetString());
        Assert.Equal(3, json.GetProperty("candidates").GetArrayLength());
        var bottleneck = json.GetProperty("candidates")[0].GetProperty("bottleneck");
        Assert.StartsWith("nvme", json.GetProperty("candidates")[0].GetProperty("providerName").GetString(), StringComparison.Ordinal);
        Assert.Equal("ens1f0np0,mlx5_0", json.GetProperty("candidates")[0].GetProperty("clients")[0].GetProperty("name").GetString());
        Assert.Equal((16.0, 4, 7.88), (bottleneck.GetProperty("speedGts").GetDouble(), bottleneck.GetProperty("width").GetInt32(), bottleneck.GetProperty("gigabytesPerSecond").GetDouble()));
        Assert.DoesNotContain(controller.Run("placements", "ls", "--host", "storage-01", "--json").Json().GetProperty("items").EnumerateArray(),
            p => p.GetProperty("sizeBytes").GetInt64() == 2 * 1024 * 1024);
    }

    [Fact]
    public void Ls_pages()
    {
        foreach (var id in new[] { "page-1", "page-2", "page-3" })
        {
            Assert.Equal(0, controller.Run("placements", "place", "--host", "storage-03", "--client", Nic03, "--size", "4KiB", "--request-id", id).ExitCode);
        }
        var run = controller.Run("placements", "ls", "--host", "storage-03", "--limit", "2");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("(1-2 of 3; --offset 2 for more)", run.Stdout, StringComparison.Ordinal);
        var rest = controller.Run("placements", "ls", "--host", "storage-03", "--limit", "2", "--offset", "2", "--json").Json();
        Assert.Equal((3, 2, 2), (rest.GetProperty("total").GetInt32(), rest.GetProperty("offset").GetInt32(), rest.GetProperty("limit").GetInt32()));
        Assert.Single(rest.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public void Server_errors_are_one_line_with_exit_1()
    {
        Assert.Equal("p2pctl: 404 Not found: unknown placement 'nope'", OneLine.Failure(controller.Run("placements", "show", "nope"), 1));
        Assert.Equal("p2pctl: 404 Not found: unknown placement 'nope'", OneLine.Failure(controller.Run("placements", "release", "nope"), 1));

        var invalid = OneLine.Failure(controller.Run("placements", "place", "--host", "storage-01", "--client", "zz", "--client", Nic, "--size", "1MiB", "--request-id", "bad-1"), 1);
        Assert.StartsWith("p2pctl: 400 The request is not valid: the placement request has invalid fields (clients[0]: ", invalid, StringComparison.Ordinal);

        var nqn = OneLine.Failure(controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--nqn", "..", "--nsid", "1", "--request-id", "bad-nqn"), 1);
        Assert.StartsWith("p2pctl: 400 The request is not valid: the placement request has invalid fields (nvmeof.subsystemNqn: subsystemNqn '..' is not an NVMe qualified name", nqn, StringComparison.Ordinal);

        // The sample hosts have no nvmet namespace: refused by what the node reads, or placed without apply when asked.
        var noNamespace = OneLine.Failure(controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--nqn", "nqn.2014-08.org.example:t",
            "--nsid", "1", "--request-id", "no-ns"), 1);
        Assert.StartsWith("p2pctl: 422 The NVMe-oF namespace cannot take p2pmem: namespace 1 of 'nqn.2014-08.org.example:t' on host 'storage-01' cannot take p2pmem: ", noNamespace, StringComparison.Ordinal);
        Assert.Equal(0, controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--nqn", "nqn.2014-08.org.example:t",
            "--nsid", "1", "--no-apply", "--request-id", "no-apply").ExitCode);
        Assert.Contains("not applied: the request asked for none", controller.Run("placements", "show", "no-apply").Stdout, StringComparison.Ordinal);
        Assert.Equal(0, controller.Run("placements", "release", "no-apply").ExitCode);

        var limit = OneLine.Failure(controller.Run("placements", "ls", "--limit", "0"), 1);
        Assert.Contains("limit: '0' is not a whole number from 1 to 1000", limit, StringComparison.Ordinal);

        var tooBig = controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1TiB", "--request-id", "big-1");
        var line = OneLine.Failure(tooBig, 1);
        Assert.StartsWith("p2pctl: 422 No provider fits: ", line, StringComparison.Ordinal);
        Assert.Contains("RANK  PROVIDER", tooBig.Stdout, StringComparison.Ordinal);

        var unpublished = controller.Run("placements", "place", "--host", "storage-04", "--client", Nic, "--size", "4KiB", "--request-id", "none-1", "--json");
        Assert.StartsWith("p2pctl: 422 No provider fits: no provider on 'storage-04' fits", OneLine.Failure(unpublished, 1), StringComparison.Ordinal);
        Assert.Equal(string.Empty, unpublished.Stdout);

        Assert.StartsWith("p2pctl: 404", OneLine.Failure(controller.Run("placements", "explain", "--host", "nope", "--client", Nic, "--size", "1M"), 1), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_usage_is_exit_2_before_anything_is_sent()
    {
        Assert.Equal(2, controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "12XB").ExitCode);
        Assert.Equal(2, controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "0").ExitCode);
        Assert.Equal(2, controller.Run("placements", "place", "--host", "storage-01", "--client", Nic).ExitCode);
        Assert.Contains("--nqn and --nsid", OneLine.Failure(controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1M", "--nqn", "nqn.2014-08.org.example:t"), 2), StringComparison.Ordinal);
        Assert.Contains("--no-apply needs --nqn", OneLine.Failure(controller.Run("placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1M", "--no-apply"), 2), StringComparison.Ordinal);
        Assert.Equal(2, controller.Run("placements", "frobnicate").ExitCode);
    }
}
