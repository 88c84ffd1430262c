using System.Net;
using System.Text.Json;
using Orchestrator.Controller.Hosting;
using Orchestrator.Tests.Shared;

namespace Orchestrator.Controller.Tests.Hosting;

/// <summary>A controller whose journal database is not there: it keeps running, is not ready, says why, and refuses placements with 503.</summary>
[Collection(Orchestrator.Controller.Tests.Api.ApiCollection.Name)]
public sealed class JournalOutageTests
{
    [Fact]
    public async Task An_unreachable_journal_keeps_the_controller_up_but_not_ready()
    {
        using var sink = LogLines.Install();
        using var data = new TempDirectory();
        // Nothing listens on this port: PostgreSQL "down" at start.
        var journal = $"Host=127.0.0.1;Port={FreePorts.Next()};Username=orchestrator;Password=never-logged;Database=orchestrator;Timeout=2";
        var app = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], new ControllerOptions
        {
            Port = FreePorts.Next(),
            Data = data.Path,
            Journal = journal,
            NodeTimeout = TimeSpan.FromSeconds(1),
            Api = new Orchestrator.Controller.Api.ApiOptions { AskTimeout = TimeSpan.FromSeconds(2) },
        });
        try
        {
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);

            var ready = await http.GetAsync("/readyz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync()).RootElement;
            Assert.False(body.GetProperty("journal").GetBoolean());
            Assert.False(body.GetProperty("coordinator").GetBoolean());
            Assert.Contains(body.GetProperty("problems").EnumerateArray(), p => p.GetString()!.Contains("journal is not reachable", StringComparison.Ordinal));

            var placing = await http.PostAsync("/api/v1/placements", new StringContent("""{"host":"h","clients":["0000:03:00.0"],"sizeBytes":4096}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, placing.StatusCode);
            Assert.DoesNotContain(sink.All, l => l.Contains("never-logged", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_tokens_readyz_names_the_journal_s_endpoint_only_to_a_client_with_scope_read()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        var journal = $"Host=127.0.0.1;Port={port};Username=orchestrator;Password=never-logged;Database=orchestrator;Timeout=2";
        var options = new ControllerOptions { Port = FreePorts.Next(), Data = data.Path, Journal = journal, NodeTimeout = TimeSpan.FromSeconds(1) };
        options.Api.AskTimeout = TimeSpan.FromSeconds(2);
        options.Api.Clients["grafana"] = new Orchestrator.Controller.Api.ApiClientOptions { Token = "read-token", Scope = Orchestrator.Controller.Api.ApiScope.Read };
        options.Api.Clients["ops"] = new Orchestrator.Controller.Api.ApiClientOptions { Token = "admin-token", Scope = Orchestrator.Controller.Api.ApiScope.Admin };
        var app = ControllerHost.Build(["--urls", "http://127.0.0.1:0"], options);
        try
        {
            await app.StartAsync();
            using var open = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var anonymous = await open.GetAsync("/readyz");
            var anonymousBody = await anonymous.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, anonymous.StatusCode);
            Assert.Contains("the journal is not reachable (details with a token of scope admin)", anonymousBody, StringComparison.Ordinal);
            Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), anonymousBody, StringComparison.Ordinal);

            using var reader = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "read-token");
            Assert.DoesNotContain(port.ToString(System.Globalization.CultureInfo.InvariantCulture), await (await reader.GetAsync("/readyz")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var admin = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "admin-token");
            var shown = await (await admin.GetAsync("/readyz")).Content.ReadAsStringAsync();
            Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), shown, StringComparison.Ordinal);
            Assert.DoesNotContain("never-logged", shown, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
