using Orchestrator.Hosting;
using Orchestrator.Hosting.Remoting;
using Orchestrator.Node.Nvmet;
using Orchestrator.Protocol.Rules;

namespace Orchestrator.Node.Hosting;

/// <summary>
/// Node settings (section <c>Orchestrator:Node</c>, environment <c>Orchestrator__Node__…</c>, or the command-line
/// switches of <see cref="NodeProgram.Command"/>); seeds come from <c>Orchestrator:Cluster:Seeds</c>.
/// </summary>
public sealed class NodeOptions
{
    public const string Section = "Orchestrator:Node";

    /// <summary>Host name; default: the topology's (sysfs: the machine's name; topology file: its <c>host</c>).</summary>
    public string? Host { get; set; }

    /// <summary>The sysfs root to discover from (unless <see cref="Topology"/> is set).</summary>
    public string SysfsRoot { get; set; } = "/";

    /// <summary>A topology file to simulate a host from, instead of sysfs.</summary>
    public string? Topology { get; set; }

    /// <summary>A SQLite file path (default <c>node-&lt;host&gt;.db</c> in <see cref="ProcessDefaults.Data"/>) or a PostgreSQL connection string (<c>Host=…</c>).</summary>
    public string? Journal { get; set; }

    /// <summary>Whether the node writes nvmet configfs (placements' p2pmem, managed enable); off: it only reads and reports drift.</summary>
    public bool NvmetApply { get; set; }

    /// <summary>How often the placements' nvmet namespaces are read again and converged (jittered ±20 %).</summary>
    public TimeSpan NvmetEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the live kernel's pools (<c>p2pmem/{size,available,published}</c>) are read, from a sysfs root.</summary>
    public TimeSpan PoolPollEvery { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the whole tree is read again and compared with the last (hot plug, links, ACS, NUMA).</summary>
    public TimeSpan RescanEvery { get; set; } = TimeSpan.FromSeconds(60);

    public string ConfigfsRoot { get; set; } = NvmetApplier.DefaultConfigfsRoot;

    /// <summary>Snapshot a pool every N journaled events.</summary>
    public int SnapshotEvery { get; set; } = ProcessDefaults.SnapshotEvery;

    /// <summary>Address to bind Akka remoting to.</summary>
    public string Bind { get; set; } = ProcessDefaults.Bind;

    /// <summary>The host name other members reach this node by, when it is not <see cref="Bind"/> (a container binds 0.0.0.0 and advertises its service name).</summary>
    public string? PublicHostname { get; set; }

    /// <summary>Remoting port; 0 picks a free one.</summary>
    public int Port { get; set; } = 4054;

    /// <summary>Seed nodes (<c>akka.tcp://orchestrator@host:port</c>); none: run standalone.</summary>
    public List<string> Seeds { get; set; } = [];

    /// <summary>How often the agent re-registers with the controller (carrying every allocation, for reconciliation).</summary>
    public TimeSpan RegisterEvery { get; set; } = ProcessDefaults.RegisterEvery;

    /// <summary>TLS for remoting (<c>Orchestrator:Remoting</c>).</summary>
    public RemotingSecurity Remoting { get; set; } = new();

    /// <summary>
    /// An <c>http://</c> URL to serve <c>/healthz</c> and <c>/readyz</c> on (<see cref="NodeHealth"/>), such as
    /// <c>http://0.0.0.0:4064</c>; unset (the default): no HTTP at all, so that several nodes can share a machine.
    /// </summary>
    public string? Health { get; set; }

    /// <summary>Extra HOCON prepended to the configuration (tests tune cluster timings with it).</summary>
    public string? ExtraHocon { get; set; }

    public static string Key(string setting) => $"{Section}:{setting}";

    /// <summary>Stops the start on a bad value (<see cref="SettingsCheck"/>: one line per setting, by its configuration key).</summary>
    public void Validate()
    {
        var check = new SettingsCheck()
            .Port(Key(nameof(Port)), Port, zeroPicksFree: true)
            .Positive(Key(nameof(SnapshotEvery)), SnapshotEvery, "events")
            .Positive(Key(nameof(RegisterEvery)), RegisterEvery)
            .Positive(Key(nameof(NvmetEvery)), NvmetEvery)
            .Positive(Key(nameof(PoolPollEvery)), PoolPollEvery)
            .Positive(Key(nameof(RescanEvery)), RescanEvery)
            .That(Health is null || IsListenUrl(Health), Key(nameof(Health)), Health ?? "", "expected an http:// URL to listen on, such as http://0.0.0.0:4064 (port 0 picks a free one)")
            // The rule the controller applies to a placement's host: a host it could never be asked to place on is no use.
            .Rule(Key(nameof(Host)), Host is null ? null : RequestRules.HostName(Host));
        Remoting.Check(check, Key(nameof(Bind)), Bind);
        Remoting.CheckSeeds(check, Seeds);
        check.ThrowIfAny<NodeOptions>();
    }

    // Kestrel takes a bare scheme://host:port; a path or query would be silently ignored, so it is refused instead.
    private static bool IsListenUrl(string url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && uri.AbsolutePath == "/" && uri.Query.Length == 0;
}
