using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Orchestrator.Controller.Api;
using Orchestrator.Protocol.Api;

namespace Orchestrator.Controller.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class AuthTests(TokenControllerApp app) : IClassFixture<TokenControllerApp>
{
    private static readonly PlacementRequestBody Body = new("storage-01", ["0000:03:00.0"], 4096);

    [Fact]
    public async Task Mutations_need_the_token_and_reads_stay_open()
    {
        var anonymous = app.CreateClient();
        var missing = await ApiAssert.Problem(await anonymous.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "auth-1" }, app.Json), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.DoesNotContain(TokenControllerApp.Secret, missing.ToString(), StringComparison.Ordinal);
        await ApiAssert.Problem(await anonymous.DeleteAsync("/api/v1/placements/auth-1"), HttpStatusCode.Unauthorized, "unauthorized");
        await ApiAssert.Problem(await anonymous.PostAsync("/api/v1/hosts/storage-01/drain", null), HttpStatusCode.Unauthorized, "unauthorized");

        var wrong = app.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "guess");
        var refused = await wrong.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "auth-1" }, app.Json);
        await ApiAssert.Problem(refused, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);

        // Nothing was placed by the refused requests.
        await ApiAssert.Problem(await anonymous.GetAsync("/api/v1/placements/auth-1"), HttpStatusCode.NotFound, "unknown-placement");
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/api/v1/hosts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.PostAsJsonAsync("/api/v1/placements/explain", Body, app.Json)).StatusCode);

        var authorized = app.CreateClient();
        authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenControllerApp.Secret);
        Assert.Equal(HttpStatusCode.Created, (await authorized.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "auth-1" }, app.Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await authorized.DeleteAsync("/api/v1/placements/auth-1")).StatusCode);
    }

    [Fact]
    public async Task The_token_never_reaches_the_logs()
    {
        var sink = LogLines.Install();
        using (sink)
        {
            var authorized = app.CreateClient();
            authorized.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenControllerApp.Secret);
            Assert.Equal(HttpStatusCode.Created, (await authorized.PostAsJsonAsync("/api/v1/placements", Body with { RequestId = "auth-log-1" }, app.Json)).StatusCode);
            var wrong = app.CreateClient();
            wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenControllerApp.Secret + "x");
            await wrong.DeleteAsync("/api/v1/placements/auth-log-1");
        }
        Assert.NotEmpty(sink.All);
        Assert.DoesNotContain(sink.All, l => l.Contains(TokenControllerApp.Secret, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:5080")]
    [InlineData("urls", "http://*:5080")]
    [InlineData("urls", "http://+:5080")]
    [InlineData("urls", "http://10.1.2.3:5080")]
    [InlineData("urls", "http://127.0.0.1:5080;http://[::]:5081")]
    [InlineData("urls", "http://storage-controller:5080")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:5080")]
    [InlineData("HTTP_PORTS", "8080")]
    [InlineData("HTTPS_PORTS", "8443")]
    public void Refuses_to_listen_off_loopback_without_a_token(string key, string value)
    {
        var urls = Urls(key, value);
        var e = Assert.Throws<ApiConfigurationException>(() => ApiSecurity.RequireTokenOffLoopback(urls, new ApiOptions()));
        Assert.Contains("token", e.Message, StringComparison.Ordinal);
        ApiSecurity.RequireTokenOffLoopback(urls, new ApiOptions { Token = "t" });
    }

    [Theory]
    [InlineData("urls", "http://127.0.0.1:5080")]
    [InlineData("urls", "http://localhost:5080")]
    [InlineData("urls", "http://[::1]:5080")]
    [InlineData("urls", "http://127.0.0.1:0;http://[::1]:0")]
    [InlineData("Kestrel:Endpoints:Local:Url", "http://127.0.0.1:5080")]
    [InlineData(null, null)]
    public void Loopback_needs_no_token(string? key, string? value) => ApiSecurity.RequireTokenOffLoopback(Urls(key, value), new ApiOptions());

    /// <summary>The listen addresses of a configuration holding one setting (none: the default, 127.0.0.1:5080).</summary>
    private static IReadOnlyList<string> Urls(string? key, string? value)
        => ApiSecurity.ConfiguredUrls(new ConfigurationBuilder()
            .AddInMemoryCollection(key is null ? [] : [new KeyValuePair<string, string?>(key, value)]).Build(), ApiDefaults.Url);
}
