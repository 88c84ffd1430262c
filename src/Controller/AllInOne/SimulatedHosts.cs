using System.Runtime.ExceptionServices;
using Orchestrator.Node.Agent;
using Orchestrator.Topology.Model;

namespace Orchestrator.Controller.AllInOne;

/// <summary>The hosts the all-in-one mode simulates: one per topology file in a folder, read and checked up front.</summary>
public static class SimulatedHosts
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>
    /// Reads every topology file of <paramref name="folder"/> (default: the bundled samples, looked up from the
    /// working directory and then next to the executable). Any unreadable file, an empty folder or two files
    /// naming the same host stop the start with a <see cref="TopologyException"/> that names the file.
    /// </summary>
    public static IReadOnlyList<(TopologySource Source, HostTopology Topology)> Load(string? folder)
    {
        var dir = Resolve(folder);
        var files = Directory.EnumerateFiles(dir)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new TopologyException($"{dir}: no topology files (*.yaml, *.yml, *.json) to simulate hosts from");
        }
        // Read on every core (1,000 files cost about 1.5 s of CPU at start); checked in file order, so the error named is the first file's.
        var read = files.AsParallel().AsOrdered().Select(Read).ToList();
        var hosts = new List<(TopologySource, HostTopology)>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (source, topology, error) in read)
        {
            error?.Throw();
            var file = source.TopologyFile!;
            if (seen.TryGetValue(topology.Host, out var other))
            {
                throw new TopologyException($"{file}: host '{topology.Host}' is already simulated from {other}");
            }
            seen[topology.Host] = file;
            hosts.Add((source, topology));
        }
        return hosts;
    }

    private static (TopologySource Source, HostTopology Topology, ExceptionDispatchInfo? Error) Read(string file)
    {
        var source = new TopologySource(null, file, null);
        try
        {
            return (source, source.Discover(), null);
        }
        catch (TopologyException e)
        {
            return (source, null!, ExceptionDispatchInfo.Capture(e));
        }
    }

    private static string Resolve(string? folder)
    {
        if (folder is not null)
        {
            return Directory.Exists(folder) ? Path.GetFullPath(folder)
                : throw new TopologyException($"--topologies {folder}: no such folder");
        }
        foreach (var candidate in new[] { AllInOneOptions.BundledTopologies, Path.Combine(AppContext.BaseDirectory, AllInOneOptions.BundledTopologies) })
        {
            if (Directory.Exists(candidate))
            {
                return Path.GetFullPath(candidate);
            }
        }
        throw new TopologyException($"the bundled topologies ({AllInOneOptions.BundledTopologies}) are neither under the working directory nor next to the executable; pass --topologies DIR");
    }
}
