namespace Orchestrator.Topology.Model;

/// <summary>Input that cannot be turned into a topology; the message names the input and the value.</summary>
public sealed class TopologyException : Exception
{
    public TopologyException(string message)
        : base(message)
    {
    }

    public TopologyException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TopologyException()
    {
    }
}
