namespace Orchestrator.Hosting.Startup;

/// <summary>The process must not start, for a reason an operator can fix (a port in use, a journal held by another process): one line, exit 1.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
