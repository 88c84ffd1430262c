using Orchestrator.Protocol.Topology;

namespace Orchestrator.Topology.P2p;

/// <summary>RFC 2017: compatible only when the provider and every client have the same switch upstream port two levels up; the first in address order wins.</summary>
public sealed class Rfc2017FindPolicy : FindPolicy
{
    internal Rfc2017FindPolicy()
    {
    }

    public override string Name => "rfc2017";

    public override (bool Compatible, string Reason) Judge(P2pRules rules, int provider, int[] clients, int distanceSum)
    {
        var functions = rules.Topology.Functions;
        var port = SwitchUpstreamPort(rules, provider);
        if (port < 0)
        {
            return (false, $"provider {functions[provider].Address} is not behind a switch upstream port");
        }
        foreach (var c in clients)
        {
            var clientPort = SwitchUpstreamPort(rules, c);
            if (clientPort != port)
            {
                return (false, clientPort < 0
                    ? $"client {functions[c].Address} is not behind a switch upstream port"
                    : $"client {functions[c].Address} is behind switch {functions[clientPort].Address}, the provider behind {functions[port].Address}");
            }
        }
        return (true, $"provider and clients are behind switch {functions[port].Address}");
    }

    public override FindResult Choose(IReadOnlyList<FindCandidate> candidates, Random random)
    {
        var first = candidates.FirstOrDefault(c => c.Compatible);
        return new FindResult(this, first?.Provider, first?.Distance ?? -1, first is null ? [] : [first.Provider], candidates);
    }

    private static int SwitchUpstreamPort(P2pRules rules, int x)
    {
        var up1 = rules.Upstream(x);
        var up2 = up1 < 0 ? -1 : rules.Upstream(up1);
        return up2 >= 0 && rules.Topology.Functions[up2].Kind == DeviceKind.SwitchUpstream ? up2 : -1;
    }
}
