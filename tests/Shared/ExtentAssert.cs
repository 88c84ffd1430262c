using Orchestrator.Protocol.Node;

namespace Orchestrator.Tests.Shared;

/// <summary>The invariant every fault test ends with: no byte of a provider is held by two buffers.</summary>
internal static class ExtentAssert
{
    /// <summary>Fails naming the first two buffers of one provider whose extents overlap.</summary>
    public static void NoOverlap(IEnumerable<AllocationRecord> extents, string where = "")
    {
        var ordered = extents.OrderBy(e => e.Offset).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i - 1].Offset + ordered[i - 1].Length <= ordered[i].Offset, $"{where}{ordered[i - 1].AllocationId} and {ordered[i].AllocationId} overlap");
        }
    }
}
