using Microsoft.Extensions.Configuration;
using Orchestrator.Controller.AllInOne;
using Orchestrator.Controller.Api;
using Orchestrator.Hosting;
using Orchestrator.Hosting.Remoting;

namespace Orchestrator.Controller.Hosting;

/// <summary>
/// Controller settings: section <c>Orchestrator:Controller</c> (environment <c>Orchestrator__Controller__…</c>), seeds
/// from <c>Orchestrator:Cluster:Seeds</c>, the REST bridge from <c>Orchestrator:Api</c> and the simulated hosts of
/// the all-in-one mode from <c>Orchestrator:AllInOne</c>.
/// </summary>
public sealed class ControllerOptions
{
    public const string Section = "Orchestrator:Controller";

    public string Bind { get; set; } = ProcessDefaults.Bind;

    /// <summary>The host name other members reach this controller by, when it is not <see cref="Bind"/> (a container binds 0.0.0.0 and advertises its service name).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Akka remoting port (the REST port is set by <c>--urls</c>).</summary>
    public int Port { get; set; } = 4053;

    /// <summary>Seed nodes; none: this controller seeds a cluster of its own.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>Where the default SQLite journal lives (<c>&lt;Data&gt;/controller.db</c>).</summary>
    public string Data { get; set; } = ProcessDefaults.Data;

    /// <summary>A SQLite file path (default <c>&lt;Data&gt;/controller.db</c>) or a PostgreSQL connection string (<c>Host=…</c>).</summary>
    public string? Journal { get; set; }

    public int SnapshotEvery { get; set; } = ProcessDefaults.SnapshotEvery;

    /// <summary>Journaled placement events kept before the older of the two snapshots kept (the placement history); older rows are deleted.</summary>
    public long HistoryEvents { get; set; } = Placement.CoordinatorSettings.DefaultHistoryEvents;

    /// <summary>Released and failed placements remembered (a retry of one is answered with it); the oldest are forgotten first.</summary>
    public int KeepFinished { get; set; } = Placement.PlacementBook.DefaultKeepFinished;

    /// <summary>How long to wait for a node to allocate or free before the placement fails (503); one node round trip.</summary>
    public TimeSpan NodeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long <c>/readyz</c> waits, after the coordinator recovered, for the hosts its journal knows to register again
    /// (503 "waiting for hosts: 2 of 4 registered" meanwhile); after it, ready with those hosts missing. Zero: no wait.
    /// </summary>
    public TimeSpan RegistrationGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra HOCON prepended to the configuration (tests tune cluster timings with it; never lower them in production).</summary>
    public string? ExtraHocon { get; set; }

    public ApiOptions Api { get; set; } = new();

    /// <summary>TLS for remoting (<c>Orchestrator:Remoting</c>).</summary>
    public RemotingSecurity Remoting { get; set; } = new();

    public AllInOneOptions AllInOne { get; set; } = new() { Enabled = false };

    public IReadOnlyList<string> EffectiveSeeds => Seeds.Count > 0 ? Seeds : [$"{ProcessAkka.Scheme(Remoting)}://{ProcessAkka.SystemName}@{(string.IsNullOrWhiteSpace(PublicHostname) ? Bind : PublicHostname)}:{Port}"];

    public string DefaultJournalPath => Path.Combine(Data, "controller.db");

    /// <summary>Reads every section from configuration. Unset, the all-in-one mode is on: that is what a bare <c>dotnet run</c> gets.</summary>
    public static ControllerOptions From(IConfiguration configuration)
    {
        var options = new ControllerOptions { AllInOne = new AllInOneOptions() };
        configuration.GetSection(Section).Bind(options);
        options.Seeds = configuration.GetSection(ProcessDefaults.SeedsKey).Get<List<string>>() ?? [];
        configuration.GetSection(ApiOptions.Section).Bind(options.Api);
        configuration.GetSection(AllInOneOptions.Section).Bind(options.AllInOne);
        configuration.GetSection(RemotingSecurity.Section).Bind(options.Remoting);
        return options;
    }

    /// <summary>
    /// Stops the start on a bad value (<see cref="SettingsCheck"/>: one line per setting, by its configuration key):
    /// ports, counts, intervals and timeouts, and the REST bridge's ask timeout against the node timeout.
    /// </summary>
    public void Validate()
    {
        var check = new SettingsCheck()
            .Port(Key(nameof(Port)), Port)
            .Positive(Key(nameof(SnapshotEvery)), SnapshotEvery, "events")
            .That(KeepFinished >= 0, Key(nameof(KeepFinished)), KeepFinished, "expected 0 or a positive number of placements")
            .That(HistoryEvents >= 0, Key(nameof(HistoryEvents)), HistoryEvents, "expected 0 (keep no history) or a positive number of events")
            .Positive(Key(nameof(NodeTimeout)), NodeTimeout)
            .That(RegistrationGrace >= TimeSpan.Zero, Key(nameof(RegistrationGrace)), RegistrationGrace, "expected zero (no wait) or a positive time span such as 00:01:00");
        Api.Validate(check);
        AllInOne.Validate(check);
        Remoting.Check(check, Key(nameof(Bind)), Bind);
        Remoting.CheckSeeds(check, Seeds);
        // One placement may take several node round trips (an allocation refused by one provider is retried on the
        // next, up to three), each up to NodeTimeout: a REST request that gave up sooner would answer 503 for a
        // placement that then commits. The defaults (20 s against 5 s) leave room for three.
        check.That(Api.AskTimeout <= TimeSpan.Zero || NodeTimeout <= TimeSpan.Zero || Api.AskTimeout > NodeTimeout,
            ApiOptions.Key(nameof(ApiOptions.AskTimeout)), Api.AskTimeout,
            $"expected longer than {Key(nameof(NodeTimeout))} ({SettingsCheck.Show(NodeTimeout)}): a placement may take several node round trips, each up to NodeTimeout");
        check.ThrowIfAny<ControllerOptions>();
    }

    public static string Key(string setting) => $"{Section}:{setting}";
}
