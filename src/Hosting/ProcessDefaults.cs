namespace Orchestrator.Hosting;

/// <summary>Settings the controller and the node share, and their defaults: each defined here once.</summary>
public static class ProcessDefaults
{
    /// <summary>Seed nodes of the cluster, for controllers and nodes alike.</summary>
    public const string SeedsKey = "Orchestrator:Cluster:Seeds";

    /// <summary>Akka remoting binds to loopback unless told otherwise.</summary>
    public const string Bind = "127.0.0.1";

    /// <summary>The folder of the default SQLite journals, relative to the working directory.</summary>
    public const string Data = "data";

    /// <summary>Snapshot a persistent actor (a pool, the coordinator) every this many journaled events.</summary>
    public const int SnapshotEvery = 1000;

    /// <summary>How often a host agent re-registers with the controller, carrying every allocation.</summary>
    public static readonly TimeSpan RegisterEvery = TimeSpan.FromSeconds(30);
}
