namespace Orchestrator.Controller.Hosting;

/// <summary>Controller settings (section <c>Orchestrator:Controller</c>; seeds from <c>Orchestrator:Cluster:Seeds</c>).</summary>
public sealed class ControllerOptions
{
    public string Bind { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes; none: this controller seeds a cluster of its own.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>A SQLite file path (default <c>data/controller.db</c>) or a PostgreSQL connection string (<c>Host=…</c>).</summary>
    public string? Journal { get; set; }

    public int SnapshotEvery { get; set; } = 1000;

    /// <summary>How long to wait for a node to allocate or free before the placement fails (503).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra HOCON prepended to the configuration (tests tune cluster timings with it; never lower them in production).</summary>
    public string? ExtraHocon { get; set; }

    public IReadOnlyList<string> EffectiveSeeds => Seeds.Count > 0 ? Seeds : [$"akka.tcp://orchestrator@{Bind}:{Port}"];
}
