using System.CommandLine;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol;
using Orchestrator.Protocol.Topology;
using Orchestrator.Topology.Files;
using Orchestrator.Topology.Lspci;
using Orchestrator.Topology.Model;
using Orchestrator.Topology.P2p;
using Orchestrator.Topology.Sysfs;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// Where a topology comes from: <c>--sysfs DIR</c>, <c>--lspci FILE</c> (with <c>--numa</c>),
/// <c>--topology FILE</c> or <c>--host NAME</c> (a host registered with the controller at <c>--server</c>, over
/// REST); exactly one. <c>--cpu</c> overrides the CPU, <c>--allow</c> extends the host-bridge allow-list.
/// </summary>
internal sealed class SourceOptions
{
    public Option<string?> Sysfs { get; } = new("--sysfs") { Description = "A sysfs root to read (/ on a live host, or a captured tree)" };
    public Option<string?> Lspci { get; } = new("--lspci") { Description = "A file holding lspci -tv, -tvnn or -t -vvv output" };
    public Option<string?> Numa { get; } = new("--numa") { Description = "NUMA node per root bus for --lspci, e.g. 0000:00=0,0000:80=1" };
    public Option<string?> Topology { get; } = new("--topology") { Description = "A topology file (YAML or JSON)" };
    public Option<string?> Host { get; } = new("--host") { Description = "A host registered with the controller (REST, see --server)" };
    public RemoteOptions Remote { get; } = new();
    public Option<string?> Cpu { get; } = new("--cpu") { Description = "Override the CPU: amd-zen, intel or other" };
    public Option<string[]> Allow { get; } = new("--allow") { Description = "Add a host bridge to the allow-list (vvvv:dddd[:same]); forcing unsupported host bridges has corrupted data in the field" };

    public void AddTo(Command command)
    {
        command.Options.Add(Sysfs);
        command.Options.Add(Lspci);
        command.Options.Add(Numa);
        command.Options.Add(Topology);
        command.Options.Add(Host);
        Remote.AddTo(command, withToken: false);
        command.Options.Add(Cpu);
        command.Options.Add(Allow);
        Cpu.AcceptOnlyFromAmong("amd-zen", "intel", "other");
    }

    public HostTopology Load(ParseResult parsed)
    {
        var (sysfs, lspci, file, host) = Check(parsed);
        var cpuOverride = parsed.GetValue(Cpu) switch
        {
            "amd-zen" => CpuInfo.AmdZen3,
            "intel" => CpuInfo.Intel,
            "other" => CpuInfo.Other,
            _ => null,
        };
        HostTopology topology;
        if (host is not null)
        {
            using var client = Remote.Connect(parsed);
            var document = client.Get($"api/v1/hosts/{ControllerClient.Segment(host)}/topology").As<TopologyDocument>();
            topology = TopologyDocumentMapper.ToModel(document, $"host '{host}' of the controller at {client.Server}", host);
        }
        else if (sysfs is not null)
        {
            topology = new SysfsReader(sysfs).Read();
        }
        else if (lspci is not null)
        {
            topology = LspciReader.ReadFile(lspci, null, cpuOverride ?? CpuInfo.Unknown, ParseNuma(parsed.GetValue(Numa)));
        }
        else
        {
            topology = TopologyFile.Read(file!);
        }
        return cpuOverride is null ? topology : topology.WithCpu(cpuOverride);
    }

    /// <summary>
    /// With <c>--host</c>, the controller's reply for <c>/api/v1/hosts/{host}/{what}</c> (the controller computes it
    /// with its own rules, so <c>--cpu</c> and <c>--allow</c> do not apply); with a local source, null.
    /// </summary>
    public ControllerClient.Reply? Fetch(ParseResult parsed, string what)
    {
        if (Check(parsed).Host is not { } host)
        {
            return null;
        }
        if (parsed.GetValue(Cpu) is not null || parsed.GetValue(Allow) is { Length: > 0 })
        {
            throw new UsageException("--cpu and --allow apply to local sources; the controller answers --host with the host's own CPU and the kernel's allow-list");
        }
        using var client = Remote.Connect(parsed);
        return client.Get($"api/v1/hosts/{ControllerClient.Segment(host)}/{what}");
    }

    private (string? Sysfs, string? Lspci, string? File, string? Host) Check(ParseResult parsed)
    {
        var sysfs = parsed.GetValue(Sysfs);
        var lspci = parsed.GetValue(Lspci);
        var file = parsed.GetValue(Topology);
        var host = parsed.GetValue(Host);
        var given = new[] { sysfs, lspci, file, host }.Count(s => s is not null);
        if (given != 1)
        {
            throw new UsageException(given == 0
                ? "give a topology source: --sysfs DIR, --lspci FILE, --topology FILE or --host NAME"
                : "give only one topology source: --sysfs, --lspci, --topology or --host");
        }
        if (parsed.GetValue(Numa) is not null && lspci is null)
        {
            throw new UsageException("--numa applies to --lspci only (sysfs and topology files carry NUMA nodes)");
        }
        if (host is null && parsed.GetValue(Remote.Server) is not null)
        {
            throw new UsageException("--server applies to --host only");
        }
        return (sysfs, lspci, file, host);
    }

    public P2pRules Rules(ParseResult parsed, HostTopology topology)
    {
        var extra = (parsed.GetValue(Allow) ?? []).Select(AllowListEntry.ParseOperatorEntry).ToList();
        return new P2pRules(topology, extra.Count == 0 ? HostBridgeAllowList.Kernel : HostBridgeAllowList.Kernel.With(extra));
    }

    private static Dictionary<PciBus, int>? ParseNuma(string? text)
    {
        if (text is null)
        {
            return null;
        }
        var map = new Dictionary<PciBus, int>();
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=');
            if (parts.Length != 2 || !PciBus.TryParse(parts[0], out var bus, out _) || !int.TryParse(parts[1], out var node) || node < 0)
            {
                throw new TopologyException($"--numa: '{pair}' is not ROOTBUS=NODE (e.g. 0000:80=1)");
            }
            map[bus] = node;
        }
        return map;
    }

    /// <summary>Addresses from repeated or comma-separated options, each checked against the host.</summary>
    public static List<PciAddress> Addresses(IEnumerable<string> values, HostTopology topology, string option)
    {
        var list = new List<PciAddress>();
        foreach (var text in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!PciAddress.TryParse(text, out var address, out var error))
            {
                throw new TopologyException($"{option}: {error}");
            }
            if (topology.Find(address) is null)
            {
                throw new TopologyException($"{option}: unknown device {address} on host '{topology.Host}'");
            }
            list.Add(address);
        }
        return list;
    }
}
