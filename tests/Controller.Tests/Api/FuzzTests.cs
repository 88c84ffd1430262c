using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Orchestrator.Controller.Tests.Api;

/// <summary>
/// A few thousand malformed requests, each broken on purpose (broken JSON, wrong types, huge or negative numbers, bad
/// addresses, unknown fields, empty and oversized bodies, wrong content types, bad queries): every one must get a 4xx
/// problem+json answer, and the placements and hosts must be exactly as before.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private const int Cases = 3000;
    private const string ValidBody = """{"host":"storage-01","clients":["0000:03:00.0","0000:04:00.0"],"sizeBytes":1048576,"policy":{"mode":"orchestrator"}}""";

    private static readonly string[] BadAddresses =
        ["", " ", "0000:zz:00.0", "1:2:3", "0000:03:00.8", "0000:03:20.0", "10000:03:00.0", "03:00", "nvme0", "0000:03:00.0 ", "０:03:00.0", new string('9', 5000), "../../etc", "0000:03:00.0\u0000"];

    private static readonly JsonNode?[] WrongTypes = [JsonValue.Create(true), JsonValue.Create(1.5), JsonValue.Create("x"), new JsonArray(1, 2), new JsonObject { ["a"] = 1 }, null];

    private static readonly string[] BadNumbers = ["1e30", "99999999999999999999", "-1", "0", "-9223372036854775808", "9223372036854775807", "1099511627777", "1.5", "\"1048576\"", "0x100", "NaN", "-0.0"];

    private readonly HttpClient client = app.CreateClient();

    [Fact]
    public async Task Thousands_of_malformed_requests_get_4xx_problems_and_change_nothing()
    {
        var before = await StateAsync();
        var random = new Random(20261129);
        var failures = new List<string>();
        for (var i = 0; i < Cases && failures.Count < 10; i++)
        {
            var (method, path, contentType, body) = Malformed(random, i);
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
                request.Content.Headers.ContentType = contentType is null ? null : MediaTypeHeaderValue.Parse(contentType);
            }
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var media = response.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or > 499 || media != "application/problem+json")
            {
                failures.Add($"#{i} {method} {path} [{contentType}] {Shorten(body)} -> {status} {media} {Shorten(await response.Content.ReadAsStringAsync())}");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Equal(before, await StateAsync());
    }

    private async Task<string> StateAsync()
        => await client.GetStringAsync("/api/v1/placements?limit=1000") + await client.GetStringAsync("/api/v1/hosts");

    private static (HttpMethod Method, string Path, string? ContentType, string? Body) Malformed(Random random, int i)
    {
        var target = random.Next(3) switch
        {
            0 => "/api/v1/placements",
            1 => "/api/v1/placements/explain",
            _ => "/api/v1/placements",
        };
        return (i % 12) switch
        {
            0 => (HttpMethod.Post, target, "application/json", Truncate(random)),
            1 => (HttpMethod.Post, target, "application/json", FlipBytes(random)),
            2 => (HttpMethod.Post, target, "application/json", Mutate(random, body => body[Pick(random, ["host", "clients", "sizeBytes", "policy", "nvmeof"])] = Pick(random, WrongTypes)?.DeepClone() ?? JsonValue.Create(new[] { 1 }))),
            3 => (HttpMethod.Post, target, "application/json", ValidBody.Replace("1048576", Pick(random, BadNumbers), StringComparison.Ordinal)),
            4 => (HttpMethod.Post, target, "application/json", Mutate(random, body => body["clients"] = new JsonArray(JsonValue.Create(Pick(random, BadAddresses))))),
            5 => (HttpMethod.Post, target, "application/json", Mutate(random, body => body["unexpected" + random.Next(1000).ToString(CultureInfo.InvariantCulture)] = 1)),
            6 => (HttpMethod.Post, target, Pick(random, ["application/json", null]), Pick(random, ["", " ", "\n\t", "null", "[]", "\"\"", "0"])),
            7 => (HttpMethod.Post, target, "application/json", Oversized(random)),
            8 => (HttpMethod.Post, target, Pick(random, ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "image/png"]), ValidBody),
            9 => (HttpMethod.Get, "/api/v1/placements?" + Pick(random, ["limit=abc", "limit=0", "limit=100000", "offset=-1", "offset=1e3", "state=gone", "state=1", "limit=%00"]), null, null),
            10 => (HttpMethod.Post, "/api/v1/hosts/storage-01/" + Pick(random, ["drain", "undrain"]), Pick(random, ["application/json", "text/plain"]),
                Pick(random, ["{\"provider\":", "{\"provider\":7}", "{\"provider\":\"nvme0\"}", "{\"provider\":\"0000:03:00.0\"}", "{\"other\":1}", "[1]", "{\"provider\":\"0000:99:00.0\"}"])),
            _ => (HttpMethod.Post, "/api/v1/placements", "application/json", Mutate(random, body =>
            {
                // Well-formed but impossible: unknown host or device, a size within the rules (at most 1 TiB) that no
                // pool holds, a bad policy. (Only for placing: explaining "nothing fits" is a 200 answer.)
                switch (random.Next(4))
                {
                    case 0: body["host"] = "no-such-host-" + random.Next(100).ToString(CultureInfo.InvariantCulture); break;
                    case 1: body["clients"] = new JsonArray("0000:0" + random.Next(10).ToString(CultureInfo.InvariantCulture) + ":1f.7"); break;
                    case 2: body["sizeBytes"] = (1L << 40) - random.Next(1000); break;
                    default: body["policy"] = new JsonObject { ["mode"] = Pick(random, ["fast", "KERNEL2", ""]), ["maxLevel"] = Pick(random, ["LOCAL", "7", ""]) }; break;
                }
            })),
        };
    }

    private static string Truncate(Random random) => ValidBody[..random.Next(1, ValidBody.Length - 1)];

    /// <summary>Flips bytes until the body no longer parses as JSON.</summary>
    private static string FlipBytes(Random random)
    {
        var chars = ValidBody.ToCharArray();
        while (true)
        {
            chars[random.Next(chars.Length)] = Pick(random, ['{', '}', '"', ',', ':', '[', ']', '\\', 'x', '\u00ff']);
            var text = new string(chars);
            try
            {
                JsonDocument.Parse(text).Dispose();
            }
            catch (JsonException)
            {
                return text;
            }
        }
    }

    private static string Mutate(Random random, Action<JsonObject> change)
    {
        var body = JsonNode.Parse(ValidBody)!.AsObject();
        change(body);
        _ = random;
        return body.ToJsonString();
    }

    private static string Oversized(Random random)
        => "{\"host\":\"storage-01\",\"clients\":[\"0000:03:00.0\"],\"sizeBytes\":4096,\"requestId\":\"" + new string('a', 70_000 + random.Next(10_000)) + "\"}";

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static string Shorten(string? text) => text is null ? "(no body)" : text.Length > 160 ? text[..160] + "…" : text;
}
