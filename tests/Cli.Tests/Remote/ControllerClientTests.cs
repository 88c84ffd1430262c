using System.Net;
using System.Net.Sockets;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Cli.Tests.Remote;

/// <summary>Failures before the controller answers: nobody listening, nobody answering, a URL that is not one.</summary>
public sealed class ControllerClientTests
{
    [Fact]
    public void A_controller_that_is_down_is_one_line_and_exit_1()
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var line = OneLine.Failure(CliRun.Of("hosts", "--server", url), 1);
        Assert.StartsWith($"p2pctl: cannot reach the controller at {url}/: ", line, StringComparison.Ordinal);

        var place = OneLine.Failure(CliRun.Of("placements", "place", "--server", url, "--host", "h", "--client", "03:00.0", "--size", "1M"), 1);
        Assert.Matches(@"\(request id p2pctl-[0-9a-f]{32}\)$", place);
        OneLine.Failure(CliRun.Of("topo", "tree", "--host", "storage-01", "--server", url), 1);
    }

    [Fact]
    public async Task A_controller_that_does_not_answer_times_out_in_one_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var accept = listener.AcceptTcpClientAsync();
        var run = await Task.Run(() => CliRun.Of("placements", "ls", "--server", url, "--timeout", "0.5"));
        Assert.Equal($"p2pctl: the controller at {url}/ did not answer within 0.5 s", OneLine.Failure(run, 1));
        (await accept).Dispose();
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://127.0.0.1:5080")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("http://127.0.0.1:5080/?x=1")]
    public void A_server_that_is_not_an_http_url_is_bad_usage(string server)
    {
        Assert.StartsWith($"p2pctl: --server '{server}' ", OneLine.Failure(CliRun.Of("hosts", "--server", server), 2), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_timeout_is_bad_usage()
    {
        OneLine.Failure(CliRun.Of("hosts", "--timeout", "0"), 2);
    }
}
