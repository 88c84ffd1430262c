using Orchestrator.Hosting;

namespace Orchestrator.Controller.AllInOne;

/// <summary>
/// The dev all-in-one mode (ARCHITECTURE §2, section <c>Orchestrator:AllInOne</c>): one in-process node agent per
/// topology file, next to the controller, in one ActorSystem and one journal.
/// </summary>
public sealed class AllInOneOptions
{
    public const string Section = "Orchestrator:AllInOne";

    public const string BundledTopologies = "deploy/topologies";

    /// <summary>On for a bare <c>dotnet run</c>; a cluster deployment sets <c>Orchestrator__AllInOne__Enabled=false</c>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The folder of topology files (<c>*.yaml</c>, <c>*.yml</c>, <c>*.json</c>) to simulate; default: the bundled samples.</summary>
    public string? Topologies { get; set; }

    /// <summary>How often the simulated agents re-register (with every allocation) with the controller.</summary>
    public TimeSpan RegisterEvery { get; set; } = ProcessDefaults.RegisterEvery;

    public static string Key(string setting) => $"{Section}:{setting}";

    internal void Validate(SettingsCheck check) => check.Positive(Key(nameof(RegisterEvery)), RegisterEvery);
}
