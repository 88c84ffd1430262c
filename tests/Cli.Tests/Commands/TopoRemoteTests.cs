using Orchestrator.Cli.Tests.Remote;

namespace Orchestrator.Cli.Tests.Commands;

/// <summary><c>topo tree|matrix|export --host</c>: the same answers as the host's topology file, fetched over REST.</summary>
public sealed class TopoRemoteTests(ControllerFixture controller) : IClassFixture<ControllerFixture>
{
    private static string File(string host) => Path.Combine(ControllerFixture.Topologies, host + ".yaml");

    [Fact]
    public void Tree_from_the_controller_is_identical_to_the_tree_of_the_file()
    {
        var remote = controller.Run("topo", "tree", "--host", "storage-01");
        var local = CliRun.Of("topo", "tree", "--topology", File("storage-01"));
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(0, local.ExitCode);
        Assert.Equal(local.Stdout, remote.Stdout);
        Assert.Contains("0000:04:00.0", remote.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Tree_json_is_the_controllers_topology_document()
    {
        var root = controller.Run("topo", "tree", "--host", "storage-02", "--json").Json();
        Assert.Equal("storage-02", root.GetProperty("host").GetString());
        Assert.True(root.GetProperty("functions").GetArrayLength() > 0);
    }

    [Fact]
    public void Matrix_from_the_controller_matches_the_matrix_of_the_file()
    {
        var remote = controller.Run("topo", "matrix", "--host", "storage-01");
        var local = CliRun.Of("topo", "matrix", "--topology", File("storage-01"));
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(local.Stdout, remote.Stdout);

        var some = controller.Run("topo", "matrix", "--host", "storage-01", "--devices", "03:00.0,0000:04:00.0", "--json").Json();
        Assert.Equal(["0000:03:00.0", "0000:04:00.0"], some.GetProperty("devices").EnumerateArray().Select(d => d.GetString()));
        var offline = CliRun.Of("topo", "matrix", "--topology", File("storage-01"), "--devices", "03:00.0,0000:04:00.0", "--json").Json();
        Assert.Equal(offline.GetProperty("levels").GetRawText(), some.GetProperty("levels").GetRawText());
        Assert.Equal(offline.GetProperty("mapTypes").GetRawText(), some.GetProperty("mapTypes").GetRawText());
    }

    [Fact]
    public void Export_writes_a_file_that_replays_the_host()
    {
        using var temp = new Orchestrator.Tests.Shared.TempDirectory();
        var path = temp.Combine("s3.yaml");
        var export = controller.Run("topo", "export", "--host", "storage-03", "--out", path);
        Assert.True(export.ExitCode == 0, export.Stderr);
        Assert.Equal(CliRun.Of("topo", "tree", "--topology", File("storage-03")).Stdout, CliRun.Of("topo", "tree", "--topology", path).Stdout);
    }

    [Fact]
    public void Every_source_command_takes_host()
    {
        string[] check = ["p2p", "check", "--provider", "04:00.0", "--client", "03:00.0", "--json"];
        var remote = controller.Run([.. check, "--host", "storage-01"]);
        Assert.True(remote.ExitCode == 0, remote.Stderr);
        Assert.Equal(CliRun.Of([.. check, "--topology", File("storage-01")]).Stdout, remote.Stdout);
    }

    [Fact]
    public void Errors_are_one_line()
    {
        Assert.StartsWith("p2pctl: 404 Not found: unknown host 'nope'", OneLine.Failure(controller.Run("topo", "tree", "--host", "nope"), 1), StringComparison.Ordinal);
        var device = OneLine.Failure(controller.Run("topo", "matrix", "--host", "storage-01", "--devices", "0000:7f:00.0"), 1);
        Assert.Contains("404", device, StringComparison.Ordinal);
        Assert.Contains("0000:7f:00.0", device, StringComparison.Ordinal);
        var invalid = OneLine.Failure(controller.Run("topo", "matrix", "--host", "storage-01", "--devices", "zz"), 1);
        Assert.Contains("400", invalid, StringComparison.Ordinal);
        Assert.Contains("devices[0]", invalid, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_is_one_source_among_four()
    {
        Assert.Contains("only one topology source", OneLine.Failure(controller.Run("topo", "tree", "--host", "storage-01", "--topology", File("storage-01")), 2), StringComparison.Ordinal);
        Assert.Contains("--server applies to --host only", OneLine.Failure(controller.Run("topo", "tree", "--topology", File("storage-01")), 2), StringComparison.Ordinal);
        Assert.Contains("--cpu and --allow", OneLine.Failure(controller.Run("topo", "matrix", "--host", "storage-01", "--cpu", "intel"), 2), StringComparison.Ordinal);
        var none = CliRun.Of("topo", "tree");
        Assert.Contains("--host NAME", OneLine.Failure(none, 2), StringComparison.Ordinal);
    }
}
