using System.Net;
using System.Text.Json;

namespace Orchestrator.Tests.Shared;

/// <summary>A process's <c>/readyz</c> as a prober sees it: the status and the problems it names.</summary>
internal static class Readyz
{
    public sealed record Answer(HttpStatusCode Status, IReadOnlyList<string> Problems, JsonElement Body)
    {
        public override string ToString() => $"{(int)Status} {Body}";
    }

    public static async Task<Answer> GetAsync(HttpClient http)
    {
        using var response = await http.GetAsync("/readyz");
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        var problems = body.GetProperty("problems").EnumerateArray().Select(p => p.GetString() ?? "").ToList();
        return new Answer(response.StatusCode, problems, body);
    }

    /// <summary>Polls until <paramref name="until"/> holds; fails with the last answer after <paramref name="timeout"/>.</summary>
    public static async Task<Answer> WaitAsync(HttpClient http, string what, TimeSpan timeout, Func<Answer, bool> until)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var answer = await GetAsync(http);
            if (until(answer))
            {
                return answer;
            }
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {timeout.TotalSeconds:0} s; last /readyz: {answer}");
            await Task.Delay(100);
        }
    }

    /// <summary>Polls for <paramref name="period"/>: every answer must satisfy <paramref name="always"/> (a state that must last, not flicker).</summary>
    public static async Task HoldsAsync(HttpClient http, string what, TimeSpan period, Func<Answer, bool> always)
    {
        var end = DateTime.UtcNow + period;
        while (DateTime.UtcNow < end)
        {
            var answer = await GetAsync(http);
            Assert.True(always(answer), $"{what}: broken after {(period - (end - DateTime.UtcNow)).TotalSeconds:0.0} s: {answer}");
            await Task.Delay(100);
        }
    }
}
