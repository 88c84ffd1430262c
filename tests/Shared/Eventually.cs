namespace Orchestrator.Tests.Shared;

/// <summary>Waits for something a cluster does in the background, failing with what was awaited when it does not come.</summary>
public static class Eventually
{
    public static async Task True(string what, Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"timed out after {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds:0} s waiting until {what}");
            }
            await Task.Delay(100);
        }
    }

    public static Task True(string what, Func<bool> condition, TimeSpan? within = null) => True(what, () => Task.FromResult(condition()), within);
}
