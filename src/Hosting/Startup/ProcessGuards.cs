namespace Orchestrator.Hosting.Startup;

/// <summary>
/// Whether this process is one of our programs started from its entry point (<see cref="ProcessProgram"/>), where a
/// port or a journal that another process holds must stop the start (<see cref="PortCheck"/>, <see cref="JournalLock"/>).
/// Hosts built inside a test process share its ports and files on purpose (several controllers on one journal, a
/// test server that never binds its URL), and are not guarded.
/// </summary>
public static class ProcessGuards
{
    public static bool Enabled { get; set; }
}
