using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Orchestrator.Controller.Placement;
using Orchestrator.Controller.Tests.Api;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Serialization;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Model;
using static Orchestrator.Controller.Tests.Placement.PlacementRest;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>
/// Seeded random sequences of place, release, drain and explain (one client at a time) on the four sample hosts,
/// through REST on the all-in-one controller. Before every step the test reads each host's pools from its agent and
/// applies <see cref="PlacementDecider"/> to them itself: the controller's answer (chosen provider or 422) and its
/// whole explanation, figures included, must equal that. Modes orchestrator and rfc2017 (kernel mode breaks ties
/// at random, by design).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PlacementPropertyTests(ControllerApp app) : IClassFixture<ControllerApp>
{
    private static readonly long[] Sizes = [4096, 1 * MiB, 3 * MiB, 8 * MiB, 16 * MiB, 24 * MiB, 40 * MiB, 64 * MiB, 100 * MiB];

    private readonly HttpClient client = app.CreateClient();

    [Theory]
    [InlineData(11)]
    [InlineData(4711)]
    public async Task Every_answer_equals_the_decider_on_the_nodes_exact_pools(int seed)
    {
        var rest = new PlacementRest(client, app.Json);
        var random = new Random(seed);
        var topologies = new Dictionary<string, HostTopology>();
        foreach (var host in ControllerApp.SampleHosts)
        {
            var document = await client.GetFromJsonAsync<TopologyDocument>($"/api/v1/hosts/{host}/topology", app.Json);
            topologies[host] = TopologyDocumentMapper.ToModel(document!, host, host);
        }
        var held = new List<string>();
        var (placed, refused, explained) = (0, 0, 0);
        for (var step = 0; step < 120; step++)
        {
            var host = ControllerApp.SampleHosts[random.Next(ControllerApp.SampleHosts.Length)];
            var topology = topologies[host];
            var endpoints = topology.Functions.Where(f => f.Kind == DeviceKind.Endpoint).Select(f => f.Address.ToString()).ToList();
            var clients = Enumerable.Range(0, 1 + random.Next(2)).Select(_ => endpoints[random.Next(endpoints.Count)]).Distinct().ToArray();
            var size = Sizes[random.Next(Sizes.Length)];
            var mode = random.Next(5) == 0 ? "rfc2017" : null;
            var roll = random.Next(100);
            var context = $"seed {seed} step {step}: {host} {string.Join('+', clients)} {size} bytes {mode ?? "orchestrator"}";
            if (roll < 40)
            {
                var expected = await Expected(rest, topology, clients, size, mode);
                var id = $"prop-{seed}-{step}";
                // Every other placement asks for the full explanation; the others get the chosen provider's only.
                var full = step % 2 == 0;
                var (status, accepted, problem) = await rest.Place(host, clients, size, id, mode: mode, fullExplanation: full);
                if (expected.Chosen is null)
                {
                    Assert.True(status == HttpStatusCode.UnprocessableEntity, $"{context}: expected 422, got {(int)status}");
                    AssertSame(expected.Explanation, problem!.Value.GetProperty("explanation").Deserialize<PlacementExplanation>(app.Json)!, context);
                    refused++;
                }
                else
                {
                    Assert.True(status == HttpStatusCode.Created, $"{context}: expected 201 on {expected.Chosen}, got {(int)status} {problem}");
                    Assert.Equal(expected.Chosen, accepted!.Placement.Provider);
                    // The summary: the chosen provider, and the closer ones rejected (at most three), each as the full explanation has it.
                    var summary = expected.Explanation with
                    {
                        Candidates = [expected.Explanation.Candidates[0], .. Closer(expected.Explanation)],
                    };
                    summary = summary with { Omitted = expected.Explanation.Candidates.Count - summary.Candidates.Count };
                    AssertSame(full ? expected.Explanation : summary, accepted.Explanation!, context);
                    held.Add(id);
                    placed++;
                }
            }
            else if (roll < 65 && held.Count > 0)
            {
                var victim = held[random.Next(held.Count)];
                await rest.Release(victim);
                held.Remove(victim);
            }
            else if (roll < 75)
            {
                var providers = topology.Providers.ToList();
                var provider = providers[random.Next(providers.Count)].Address.ToString();
                var drained = (await rest.Host(host)).DrainedProviders.Contains(provider);
                await rest.Drain(host, provider, !drained);
            }
            else
            {
                var expected = await Expected(rest, topology, clients, size, mode);
                AssertSame(expected.Explanation, await rest.Explain(host, clients, size, mode), context);
                explained++;
            }
        }
        // The sequences must have exercised both outcomes, or they prove little.
        Assert.True(placed > 10 && refused > 3 && explained > 10, $"placed {placed}, refused {refused}, explained {explained}");
        foreach (var id in held)
        {
            await rest.Release(id);
        }
        foreach (var host in ControllerApp.SampleHosts)
        {
            foreach (var provider in (await rest.Host(host)).DrainedProviders)
            {
                await rest.Drain(host, provider, false);
            }
        }
    }

    /// <summary>§5.4 applied by the test itself to the pools its agent holds now, with the host's drains.</summary>
    /// <summary>Rejected providers with no host bridge where the chosen one has one, or fewer hops, closest first (three at most).</summary>
    private static IEnumerable<CandidateExplanation> Closer(PlacementExplanation full)
    {
        static (int, int) Distance(CandidateExplanation c) => (c.Clients.Any(v => v.MapType == "THRU_HOST_BRIDGE") ? 1 : 0, c.DistanceSum);
        var chosen = Distance(full.Candidates[0]);
        return full.Candidates.Where(c => !c.Eligible && Distance(c).CompareTo(chosen) < 0).OrderBy(Distance).Take(PlacementDecider.CloserExplained);
    }

    private static async Task<PlacementDecision> Expected(PlacementRest rest, HostTopology topology, string[] clients, long size, string? mode)
    {
        var pools = await rest.NodePools(topology.Host);
        var view = await rest.Host(topology.Host);
        var state = new HostState(topology, pools.Pools.Select(p => p.ToSummary())) { Drained = view.Drained };
        foreach (var provider in view.DrainedProviders)
        {
            state.DrainedProviders.Add(provider);
        }
        var request = new PlacementRequest(clients.Select(PciAddress.Parse).ToList(), size, PlacementModes.Parse(mode)!, null, null);
        return PlacementDecider.Decide(state, request, new Random(0));
    }

    private static void AssertSame(PlacementExplanation expected, PlacementExplanation actual, string context)
        => Assert.True(JsonSerializer.Serialize(expected, ProtocolSerializer.Options) == JsonSerializer.Serialize(actual, ProtocolSerializer.Options),
            $"{context}:\nexpected {JsonSerializer.Serialize(expected, ProtocolSerializer.Options)}\nactual   {JsonSerializer.Serialize(actual, ProtocolSerializer.Options)}");
}
