using Akka.Actor;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Prometheus;

namespace Orchestrator.Controller.Api;

/// <summary>
/// The Prometheus figures of <c>/metrics</c>, in a registry of this process's own (not prometheus-net's static
/// default, so two controllers in one test process do not mix). Gauges are refreshed from the coordinator at scrape.
/// </summary>
public sealed class ApiMetrics
{
    private readonly Gauge placements;
    private readonly Gauge hosts;
    private readonly Gauge poolCapacity;
    private readonly Gauge poolAvailable;
    private readonly Gauge poolAllocations;
    private readonly Gauge refusedRegistrations;
    private readonly Gauge registrations;
    private readonly Gauge nvmet;
    private readonly Gauge kernelUsed;
    private readonly Gauge overcommitted;

    public ApiMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        placements = factory.CreateGauge("p2p_placements", "Placements known to the controller, by state", "state");
        hosts = factory.CreateGauge("p2p_hosts", "Registered hosts, by status", "status");
        poolCapacity = factory.CreateGauge("p2p_pool_capacity_bytes", "p2pmem pool size", "host", "provider");
        poolAvailable = factory.CreateGauge("p2p_pool_available_bytes", "p2pmem pool bytes not allocated (controller view)", "host", "provider");
        poolAllocations = factory.CreateGauge("p2p_pool_allocations", "Buffers allocated in the pool (controller view)", "host", "provider");
        kernelUsed = factory.CreateGauge("p2p_pool_kernel_used_bytes", "p2pmem the kernel reports in use (size less available, as the node last read them): nvmet I/O and anyone else", "host", "provider");
        overcommitted = factory.CreateGauge("p2p_pool_overcommitted", "1 when the kernel has less p2pmem available than the node's books hold", "host", "provider");
        nvmet = factory.CreateGauge("p2p_placements_nvmet", "Committed placements with an NVMe-oF target, by what their node last read of the namespace", "state");
        refusedRegistrations = factory.CreateGauge("p2p_host_registrations_refused", "Host registrations the coordinator refused since it started (another node identity for an up host, a forged incarnation, no identity)");
        registrations = factory.CreateGauge("p2p_host_registrations", "Host registrations the coordinator took since it started, by kind: whole (every allocation listed), "
            + "delta (what changed since the books it held), resync (a delta it could not rebuild: the node was asked for everything)", "kind");
        Decisions = factory.CreateCounter("p2p_placement_requests_total", "Placement requests by operation and outcome", "operation", "outcome");
        Latency = factory.CreateHistogram("p2p_placement_request_seconds", "Time to answer a placement request, by operation", new HistogramConfiguration
        {
            LabelNames = ["operation"],
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 16),
        });
        DotNetStats.Register(Registry);
    }

    public CollectorRegistry Registry { get; }

    public Counter Decisions { get; }

    public Histogram Latency { get; }

    /// <summary>Asks the coordinator for its figures before each scrape; if it does not answer, the last figures stay.</summary>
    public void RefreshFrom(Func<Task<IActorRef>> coordinator)
    {
        Registry.AddBeforeCollectCallback(async cancel =>
        {
            ControllerStats stats;
            try
            {
                var proxy = await coordinator();
                stats = await proxy.Ask<ControllerStats>(new GetControllerStats(), TimeSpan.FromSeconds(2), cancel);
            }
            catch (Exception e) when (e is AskTimeoutException or InvalidCastException or OperationCanceledException)
            {
                return;
            }
            Set(placements, stats.Placements.Select(s => (new[] { s.State.ToLowerInvariant() }, (double)s.Count)), Enum.GetNames<PlacementState>().Select(n => n.ToLowerInvariant()));
            Set(hosts, stats.Hosts.Select(s => (new[] { s.State.ToLowerInvariant() }, (double)s.Count)), Enum.GetNames<HostStatus>().Select(n => n.ToLowerInvariant()));
            Set(poolCapacity, stats.Pools.Select(p => (new[] { p.Host, p.Provider }, (double)p.CapacityBytes)), []);
            Set(poolAvailable, stats.Pools.Select(p => (new[] { p.Host, p.Provider }, (double)p.AvailableBytes)), []);
            Set(poolAllocations, stats.Pools.Select(p => (new[] { p.Host, p.Provider }, (double)p.AllocationCount)), []);
            Set(kernelUsed, stats.Pools.Select(p => (new[] { p.Host, p.Provider }, (double)(p.KernelSizeBytes - p.KernelAvailableBytes))), []);
            Set(overcommitted, stats.Pools.Select(p => (new[] { p.Host, p.Provider }, p.Overcommitted ? 1.0 : 0.0)), []);
            refusedRegistrations.Set(stats.RefusedRegistrations);
            Set(registrations, (stats.Registrations ?? []).Select(s => (new[] { s.State }, (double)s.Count)), Placement.RegistrationDeltas.Kinds);
            Set(nvmet, (stats.Nvmet ?? []).Select(s => (new[] { s.State }, (double)s.Count)), Enum.GetValues<NvmetState>().Select(NvmetStates.Name));
        });
    }

    /// <summary>Sets every labelled value, zeroes the known states missing this time, and drops pools that vanished.</summary>
    private static void Set(Gauge gauge, IEnumerable<(string[] Labels, double Value)> values, IEnumerable<string> zeroStates)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (labels, value) in values)
        {
            gauge.WithLabels(labels).Set(value);
            seen.Add(string.Join('\0', labels));
        }
        foreach (var state in zeroStates.Where(s => !seen.Contains(s)))
        {
            gauge.WithLabels(state).Set(0);
        }
        foreach (var labels in gauge.GetAllLabelValues().Where(l => l.Length > 1 && !seen.Contains(string.Join('\0', l))).ToList())
        {
            gauge.RemoveLabelled(labels);
        }
    }
}
