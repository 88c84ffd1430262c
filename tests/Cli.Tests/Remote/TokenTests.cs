using System.Diagnostics;

namespace Orchestrator.Cli.Tests.Remote;

/// <summary>A controller with a bearer token: --token, P2PCTL_TOKEN, and refusals that never print the token.</summary>
public sealed class TokenTests(TokenControllerFixture controller) : IClassFixture<TokenControllerFixture>
{
    private const string Nic = "0000:03:00.0";

    private string[] Place(string id) => ["placements", "place", "--host", "storage-01", "--client", Nic, "--size", "1MiB", "--request-id", id];

    [Fact]
    public void Reads_need_no_token()
    {
        Assert.Equal(0, controller.Run("hosts").ExitCode);
        Assert.Equal(0, controller.Run("placements", "ls").ExitCode);
    }

    [Fact]
    public void Changes_need_the_token()
    {
        var missing = controller.Run(Place("tok-1"));
        Assert.Equal("p2pctl: 401 A bearer token is required: this endpoint changes state: send 'Authorization: Bearer <token>'", OneLine.Failure(missing, 1));

        var wrong = controller.Run([.. Place("tok-1"), "--token", "not-the-token"]);
        var line = OneLine.Failure(wrong, 1);
        Assert.StartsWith("p2pctl: 401", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-token", wrong.Stdout + wrong.Stderr, StringComparison.Ordinal);

        var placed = controller.Run([.. Place("tok-1"), "--token", TokenControllerFixture.Token]);
        Assert.True(placed.ExitCode == 0, placed.Stderr);
        Assert.DoesNotContain(TokenControllerFixture.Token, placed.Stdout + placed.Stderr, StringComparison.Ordinal);

        OneLine.Failure(controller.Run("placements", "release", "tok-1"), 1);
        Assert.Equal(0, controller.Run("placements", "release", "tok-1", "--token", TokenControllerFixture.Token).ExitCode);
    }

    [Fact]
    public void The_built_tool_reads_the_server_and_the_token_from_the_environment()
    {
        var env = new Dictionary<string, string> { ["P2PCTL_SERVER"] = controller.Url, ["P2PCTL_TOKEN"] = TokenControllerFixture.Token };
        var placed = Process(env, Place("tok-env"));
        Assert.True(placed.Code == 0, placed.Stderr);
        Assert.StartsWith("placed tok-env", placed.Stdout, StringComparison.Ordinal);

        env.Remove("P2PCTL_TOKEN");
        var refused = Process(env, "placements", "release", "tok-env");
        Assert.Equal(1, refused.Code);
        Assert.StartsWith("p2pctl: 401", refused.Stderr, StringComparison.Ordinal);
        Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        env["P2PCTL_SERVER"] = "not a url";
        Assert.Equal(2, Process(env, "hosts").Code);
    }

    private static (int Code, string Stdout, string Stderr) Process(Dictionary<string, string> env, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "p2pctl.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment.Remove("P2PCTL_SERVER");
        start.Environment.Remove("P2PCTL_TOKEN");
        foreach (var (name, value) in env)
        {
            start.Environment[name] = value;
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "p2pctl did not finish in 60 s");
        return (process.ExitCode, stdout.Result, stderr);
    }
}
