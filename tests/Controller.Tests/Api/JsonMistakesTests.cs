using System.Net;
using System.Text;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// The JSON mistakes a new user makes (issue 15), each answered with the field's path, what it takes and an example,
/// or the nearest known field; no .NET type name or exception text in any of them.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JsonMistakesTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private readonly HttpClient client = app.CreateClient();

    public static TheoryData<string, string, string> Mistakes => new()
    {
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":\"1GiB\"}", "sizeBytes", "expected an integer number of bytes, e.g. 1048576" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":1.5}", "sizeBytes", "expected an integer number of bytes, e.g. 1048576" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"size\":4096}", "size", "unknown field (did you mean sizeBytes?); the fields here are host, clients, sizeBytes, nvmeof, policy, requestId" },
        { "{\"host\":\"storage-01\",\"clients\":\"0000:03:00.0\",\"sizeBytes\":4096}", "clients", "expected an array of PCI addresses as strings, e.g. [\"0000:03:00.0\", \"0000:04:00.0\"]" },
        { "{\"host\":\"storage-01\",\"clients\":[3],\"sizeBytes\":4096}", "clients[0]", "expected a PCI address as a string, e.g. \"0000:03:00.0\"" },
        { "{\"host\":7,\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096}", "host", "expected a string, e.g. \"storage-01\"" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096,\"nvmeof\":{\"subsystemNqn\":\"nqn.2014-08.org.example:t\",\"namespaceId\":\"1\"}}", "nvmeof.namespaceId", "expected an integer, e.g. 1" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096,\"nvmeof\":{\"subsystemNqn\":\"nqn.2014-08.org.example:t\",\"nsid\":1}}", "nvmeof.nsid", "unknown field; the fields here are subsystemNqn, namespaceId, portId, manageEnable, apply" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096,\"nvmeof\":{\"subsystemNqn\":\"nqn.2014-08.org.example:t\",\"namespaceId\":1,\"manageEnable\":\"yes\"}}", "nvmeof.manageEnable", "expected true or false, e.g. true" },
        { "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096,\"policy\":\"kernel\"}", "policy", "expected an object with the fields mode, maxLevel, provider, e.g. {\"mode\": \"orchestrator\", \"maxLevel\": \"PXB\"}" },
        { "[1,2]", "$", "expected an object with the fields host, clients, sizeBytes, nvmeof, policy, requestId" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Each_mistake_is_named_in_our_words(string body, string field, string message)
    {
        var problem = await ApiAssert.Problem(await client.PostAsync("/api/v1/placements", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal($"{field}: {message}", problem.GetProperty("detail").GetString());
        Assert.Equal([message], ApiAssert.FieldErrors(problem, field));
        var text = problem.GetRawText();
        foreach (var leak in new[] { "Orchestrator.", "System.", "could not be converted", "Exception" })
        {
            Assert.DoesNotContain(leak, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_syntax_error_keeps_the_readers_words_and_its_place()
    {
        var problem = await ApiAssert.Problem(await client.PostAsync("/api/v1/placements", new StringContent("{\"host\": storage-01}", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("host: 's' is an invalid start of a value", problem.GetProperty("detail").GetString());
    }
}
