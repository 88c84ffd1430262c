namespace Orchestrator.Protocol;

/// <summary>
/// The names every member of the cluster must agree on, defined once: the singleton's name (the path nodes
/// register through), the coordinator's journal id, and the roles.
/// </summary>
public static class ClusterNames
{
    /// <summary>The placement coordinator's cluster singleton (and its proxies).</summary>
    public const string CoordinatorSingleton = "placement-coordinator";

    /// <summary>
    /// The coordinator's persistence id. Frozen on its own: every placement ever journaled is found by it, so
    /// renaming the singleton must never change it (that would orphan the journal and start from no placements).
    /// </summary>
    public const string CoordinatorPersistenceId = "placement-coordinator";

    /// <summary>Members that may host the coordinator and the REST bridge.</summary>
    public const string ControllerRole = "controller";

    /// <summary>Members that run host agents and own pools.</summary>
    public const string NodeRole = "node";
}
