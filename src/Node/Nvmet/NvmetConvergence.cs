using Orchestrator.Protocol.Node;

namespace Orchestrator.Node.Nvmet;

/// <summary>What to do to a namespace to reach the desired <c>p2pmem</c> value.</summary>
public enum NvmetStep
{
    None,

    /// <summary>Write <c>p2pmem</c> (the namespace is disabled).</summary>
    Write,

    /// <summary>Write <c>p2pmem</c>, then enable the namespace (managed enable, namespace disabled).</summary>
    WriteAndEnable,

    /// <summary>Enable the namespace only: <c>p2pmem</c> already reads the desired value (managed enable).</summary>
    Enable,

    /// <summary>Disable, write, enable again (managed enable, namespace enabled with another value).</summary>
    Cycle,
}

/// <summary>
/// The rules of convergence, without files: the kernel takes a <c>p2pmem</c> change only while <c>enable</c> reads 0,
/// so an enabled namespace is changed only when the placement asked for managed enable, and a node with applying
/// switched off only reads. The desired value is a provider's full BDF or <c>0</c> (host memory).
/// </summary>
public static class NvmetConvergence
{
    public static NvmetStep Next(NamespaceReading reading, string desired, bool mayWrite, bool manageEnable)
    {
        if (!reading.Readable || !mayWrite)
        {
            return NvmetStep.None;
        }
        if (Same(reading.P2pmem, desired))
        {
            return manageEnable && reading.Enabled == false && desired != "0" ? NvmetStep.Enable : NvmetStep.None;
        }
        return reading.Enabled == true
            ? (manageEnable ? NvmetStep.Cycle : NvmetStep.None)
            : (manageEnable && desired != "0" ? NvmetStep.WriteAndEnable : NvmetStep.Write);
    }

    /// <summary>The state a reading shows against the desired value (after any step was taken).</summary>
    public static (NvmetState State, string Message) Classify(NamespaceReading reading, string desired, bool mayWrite, string what)
    {
        if (reading.Missing is not null)
        {
            return (NvmetState.Missing, reading.Missing);
        }
        if (reading.Problem is not null)
        {
            return (NvmetState.Error, reading.Problem);
        }
        var enabled = reading.Enabled == true ? "enabled" : "disabled";
        if (Same(reading.P2pmem, desired))
        {
            return (NvmetState.Applied, $"{what}: p2pmem reads {reading.P2pmem} as desired, namespace {enabled}");
        }
        if (!mayWrite)
        {
            return (NvmetState.Drift, $"{what}: p2pmem reads {reading.P2pmem}, desired {desired}; applying to nvmet is switched off on this node");
        }
        return reading.Enabled == true
            ? (NvmetState.PendingDisable, $"{what}: p2pmem reads {reading.P2pmem}, desired {desired}, and the namespace is enabled: the kernel takes a change only "
                + "while it is disabled (disable it, or place with nvmeof.manageEnable)")
            : (NvmetState.Drift, $"{what}: p2pmem reads {reading.P2pmem}, desired {desired}");
    }

    /// <summary>The kernel reads back a provider as <c>0000:03:00.0</c> and no provider as <c>0</c> (or <c>off</c> when written so).</summary>
    public static bool Same(string? actual, string desired)
        => actual is not null && (string.Equals(actual, desired, StringComparison.OrdinalIgnoreCase) || (desired == "0" && actual is "off"));
}
