using Orchestrator.Protocol;
using Orchestrator.Topology.P2p;
using static Orchestrator.Topology.Tests.P2p.RulesHost;

namespace Orchestrator.Topology.Tests.P2p;

public class ProviderFinderTests
{
    private static readonly ProviderFinder Finder = new(new P2pRules(Load(Yaml())));

    private static PciAddress A(string s) => PciAddress.Parse(s);

    [Fact]
    public void Only_published_providers_are_candidates()
    {
        var result = Finder.Find([A(Nic)], FindPolicy.Kernel, new Random(1));
        Assert.DoesNotContain(result.Candidates, c => c.Provider == A(NicUnpublishedPool));
        Assert.Equal(
            new[] { ProviderA, NestedProvider, UnderRootPortB, ProviderB, OtherHostBridge }.Select(A).Order(),
            result.Candidates.Select(c => c.Provider));
    }

    [Fact]
    public void Kernel_mode_takes_the_minimum_sum_and_breaks_ties_at_random()
    {
        var seen = new HashSet<PciAddress>();
        for (var seed = 0; seed < 64; seed++)
        {
            var result = Finder.Find([A(Nic)], FindPolicy.Kernel, new Random(seed));
            Assert.Equal(4, result.Distance);
            Assert.Equal(new[] { A(ProviderA), A(ProviderB) }, result.Ties);
            Assert.Contains(result.Provider!.Value, result.Ties);
            seen.Add(result.Provider.Value);

            // The allocation-free path picks the same one from the same seed.
            var index = Finder.FindKernel([Finder.Rules.IndexOf(A(Nic))], new Random(seed));
            Assert.Equal(result.Provider, Finder.Rules.Topology.Functions[index].Address);
        }
        Assert.Equal(2, seen.Count);
    }

    [Fact]
    public void Kernel_mode_with_two_clients_sums_their_distances()
    {
        var result = Finder.Find([A(Nic), A(ProviderAFunction1)], FindPolicy.Kernel, new Random(7));
        Assert.Equal(A(ProviderA), result.Provider);
        Assert.Equal(4 + 2, result.Distance);
        Assert.Equal(8, result.Candidates.Single(c => c.Provider == A(ProviderB)).Distance);
    }

    [Fact]
    public void Kernel_mode_with_no_compatible_provider_answers_null_with_reasons()
    {
        var finder = new ProviderFinder(new P2pRules(Load(Yaml(hostBridge0: "vendor: \"8086\", device: \"29c0\"", hostBridge1: "vendor: \"8086\", device: \"29c0\""))));
        var result = finder.Find([A(Nic), A(UnderRootPortC)], FindPolicy.Kernel, new Random(1));
        Assert.Null(result.Provider);
        Assert.Equal(-1, result.Distance);
        Assert.Empty(result.Ties);
        Assert.All(result.Candidates, c => Assert.Contains("do not share an upstream bridge or whitelisted host bridge", c.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Rfc2017_mode_wants_one_switch_upstream_port_and_takes_the_first_in_address_order()
    {
        var result = Finder.Find([A(Nic)], FindPolicy.Rfc2017, new Random(1));
        Assert.Equal(A(ProviderA), result.Provider);
        Assert.True(result.Candidates.Single(c => c.Provider == A(ProviderB)).Compatible);
        Assert.False(result.Candidates.Single(c => c.Provider == A(NestedProvider)).Compatible);
        Assert.False(result.Candidates.Single(c => c.Provider == A(UnderRootPortB)).Compatible);
        Assert.Contains("not behind a switch upstream port", result.Candidates.Single(c => c.Provider == A(UnderRootPortB)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc2017_mode_refuses_a_client_that_is_not_behind_a_switch()
    {
        var result = Finder.Find([A(Nic), A(UnderRootPortC)], FindPolicy.Rfc2017, new Random(1));
        Assert.Null(result.Provider);
    }
}
