using Microsoft.Extensions.Configuration;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Controller settings: section <c>Orchestrator:Controller</c> (environment <c>Orchestrator__Controller__…</c>), seeds
/// from <c>Orchestrator:Cluster:Seeds</c>, the REST bridge from <c>Orchestrator:Api</c> and the simulated hosts of
/// the all-in-one mode from <c>Orchestrator:AllInOne</c>.
/// </summary>
public sealed class ControllerOptions
{
    public string Bind { get; set; } = "127.0.0.1";

    /// <summary>The host name other members reach this controller by, when it is not <see cref="Bind"/> (a container binds 0.0.0.0 and advertises its service name).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Akka remoting port (the REST port is set by <c>--urls</c>).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes; none: this controller seeds a cluster of its own.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>Where the default SQLite journal lives (<c>&lt;Data&gt;/controller.db</c>).</summary>
    public string Data { get; set; } = "data";

    /// <summary>A SQLite file path (default <c>&lt;Data&gt;/controller.db</c>) or a PostgreSQL connection string (<c>Host=…</c>).</summary>
    public string? Journal { get; set; }

    public int SnapshotEvery { get; set; } = 1000;

    /// <summary>How long to wait for a node to allocate or free before the placement fails (503).</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra HOCON prepended to the configuration (tests tune cluster timings with it; never lower them in production).</summary>
    public string? ExtraHocon { get; set; }

    public ApiOptions Api { get; set; } = new();

    public AllInOneOptions AllInOne { get; set; } = new() { Enabled = false };

    public IReadOnlyList<string> EffectiveSeeds => Seeds.Count > 0 ? Seeds : [$"akka.tcp://orchestrator@{(string.IsNullOrWhiteSpace(PublicHostname) ? Bind : PublicHostname)}:{Port}"];

    public string DefaultJournalPath => Path.Combine(Data, "controller.db");

    /// <summary>Reads every section from configuration. Unset, the all-in-one mode is on: that is what a bare <c>dotnet run</c> gets.</summary>
    public static ControllerOptions From(IConfiguration configuration)
    {
        var options = new ControllerOptions { AllInOne = new AllInOneOptions() };
        configuration.GetSection("Orchestrator:Controller").Bind(options);
        options.Seeds = configuration.GetSection("Orchestrator:Cluster:Seeds").Get<List<string>>() ?? [];
        configuration.GetSection("Orchestrator:Api").Bind(options.Api);
        configuration.GetSection("Orchestrator:AllInOne").Bind(options.AllInOne);
        return options;
    }
}
