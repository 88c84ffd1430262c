using Orchestrator.Protocol;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Node.Pools;

/// <summary>
/// The cheap look at the live kernel's pools between rescans (issue 13): three small files per provider,
/// <c>p2pmem/{size,available,published}</c>. <c>available</c> drops while nvmet I/O uses the pool, so this is how an
/// overcommit is seen as it happens; a provider the kernel no longer lists reads as size 0, unpublished. An unreadable
/// file changes nothing (the last reading stands) and is reported once until it reads well again.
/// </summary>
public sealed class KernelPoolPoll(string sysfsRoot)
{
    private readonly SysfsReader reader = new(sysfsRoot);
    private readonly Dictionary<string, KernelPoolState> last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> problems = new(StringComparer.Ordinal);

    /// <summary>What changed since the last poll: a new kernel state for a pool, or a new problem (each at most once).</summary>
    public List<(string Provider, KernelPoolState? State, string? Problem)> Poll(IEnumerable<(string Provider, KernelPoolState Known)> providers)
    {
        var changes = new List<(string, KernelPoolState?, string?)>();
        foreach (var (provider, known) in providers)
        {
            var (p2pmem, diagnostics) = reader.ReadP2pMem(PciAddress.Parse(provider));
            if (p2pmem is null && diagnostics.Count > 0)
            {
                var problem = $"{diagnostics[0].Source}: {diagnostics[0].Message}";
                if (problems.GetValueOrDefault(provider) != problem)
                {
                    problems[provider] = problem;
                    changes.Add((provider, null, $"its p2pmem attributes cannot be read ({problem}); keeping the last reading"));
                }
                continue;
            }
            problems.Remove(provider);
            var now = p2pmem is null ? new KernelPoolState(0, 0, false) : new KernelPoolState(p2pmem.Size, p2pmem.Available, p2pmem.Published);
            if (now != last.GetValueOrDefault(provider, known))
            {
                changes.Add((provider, now, null));
            }
            last[provider] = now;
        }
        return changes;
    }
}
