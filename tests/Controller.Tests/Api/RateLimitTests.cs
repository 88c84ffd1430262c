using System.Net;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>Changes beyond a client's rate answer 429 problem+json with Retry-After, reads are not limited, and the bucket refills.</summary>
[Collection(ApiCollection.Name)]
public sealed class RateLimitTests(RateLimitedControllerApp app) : IClassFixture<RateLimitedControllerApp>
{
    [Fact]
    public async Task A_client_past_its_rate_gets_429_and_service_again_a_second_later()
    {
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.DeleteAsync($"/api/v1/placements/nothing-{i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
                await ApiAssert.Problem(response, HttpStatusCode.TooManyRequests, "too-many-requests");
            }
        }
        Assert.Equal(3, statuses.Count(s => s == HttpStatusCode.NotFound));
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/placements")).StatusCode);  // reads are not limited
        }
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/v1/placements/nothing-again")).StatusCode);
    }
}
