using System.CommandLine;
using System.Globalization;
using Orchestrator.Cli.Output;
using Orchestrator.Cli.Remote;
using Orchestrator.Protocol.Api;
using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Node;
using Orchestrator.Topology.Writers;

namespace Orchestrator.Cli.Commands;

/// <summary>
/// <c>p2pctl placements ls|show|place|release|explain</c>: buffers placed by the controller, over its REST bridge.
/// A placement's id is its request id; <c>place</c> sends it as the <c>Idempotency-Key</c>, so repeating a
/// command with the same <c>--request-id</c> answers the same placement instead of placing a second one.
/// </summary>
internal static class PlacementsCommands
{
    public static Command Create(CliOutput output)
    {
        var placements = new Command("placements", "Buffers placed by the controller: list, show, place, release, explain");
        placements.Subcommands.Add(List(output));
        placements.Subcommands.Add(Show(output));
        placements.Subcommands.Add(Place(output));
        placements.Subcommands.Add(Release(output));
        placements.Subcommands.Add(Explain(output));
        return placements;
    }

    private static Command List(CliOutput output)
    {
        var remote = new RemoteOptions();
        var format = new OutputOption();
        var host = new Option<string?>("--host") { Description = "Only placements on this host" };
        var state = new Option<string?>("--state") { Description = "Only placements in this state (pending, committed, releasing, released, failed, lost)" };
        var nvmet = new Option<string?>("--nvmet") { Description = "Only placements whose namespace reads so (applied, pending-disable, missing, drift, error)" };
        var affected = new Option<bool>("--affected") { Description = "Only placements whose verdicts a topology change altered" };
        var limit = new Option<int?>("--limit") { Description = $"At most this many (the controller's default: {ApiDefaults.PageLimit}, at most {ApiDefaults.MaxPageLimit})" };
        var offset = new Option<int?>("--offset") { Description = "Skip this many first" };
        var command = new Command("ls", "Placements in id order, filtered and paged");
        remote.AddTo(command);
        command.Options.Add(host);
        command.Options.Add(state);
        command.Options.Add(nvmet);
        command.Options.Add(affected);
        command.Options.Add(limit);
        command.Options.Add(offset);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var query = ControllerClient.Query(
                ("host", parsed.GetValue(host)),
                ("state", parsed.GetValue(state)),
                ("nvmet", parsed.GetValue(nvmet)),
                ("affected", parsed.GetValue(affected) ? "true" : null),
                ("offset", parsed.GetValue(offset)?.ToString(CultureInfo.InvariantCulture)),
                ("limit", parsed.GetValue(limit)?.ToString(CultureInfo.InvariantCulture)));
            var how = format.Get(parsed);
            var reply = client.Get("api/v1/placements" + query);
            if (output.Structured(how, reply.Body))
            {
                return P2pctl.Answered;
            }
            var page = reply.As<PlacementPage>();
            var wide = how == OutputFormat.Wide;
            string[] columns = ["ID", "HOST", "PROVIDER", "STATE", "NVMET", "SIZE", "CLIENTS"];
            var table = new Table(wide ? [.. columns, "OFFSET", "LENGTH", "MODE", "NVMEOF", "NAMESPACE DEVICE", "REASON"] : columns);
            foreach (var p in page.Items)
            {
                var seen = p.Nvmet is { } n ? NvmetStates.Name(n.State) : p.Nvmeof is not { Apply: true } ? "-" : "?";
                string[] cells = [p.PlacementId, p.Host, p.Provider, State(p.State) + (p.Affected is null ? string.Empty : " (affected)"), seen, TreeWriter.Bytes(p.SizeBytes), string.Join(',', p.Clients)];
                table.Add(wide
                    ? [.. cells, p.Offset?.ToString(CultureInfo.InvariantCulture) ?? "-", p.Length?.ToString(CultureInfo.InvariantCulture) ?? "-", p.Mode,
                        p.Nvmeof is { } t ? $"{t.SubsystemNqn}/{t.NamespaceId.ToString(CultureInfo.InvariantCulture)}" : "-", p.NamespaceDevice ?? "-", p.Reason ?? "-"]
                    : cells);
            }
            output.Output.Write(table.Write());
            if (page.Items.Count == 0)
            {
                output.Output.WriteLine(page.Total == 0 ? "(no placements)" : $"(none at offset {page.Offset} of {page.Total})");
            }
            else if (page.Items.Count < page.Total)
            {
                output.Output.WriteLine($"({page.Offset + 1}-{page.Offset + page.Items.Count} of {page.Total}; --offset {page.Offset + page.Items.Count} for more)");
            }
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Show(CliOutput output)
        => ById(output, "show", "One placement", (client, path) => client.Get(path), r => Describe(r.As<PlacementView>()));

    private static Command Release(CliOutput output)
        => ById(output, "release", "Release a placement (releasing it again answers it again)", (client, path) => client.Delete(path), r =>
        {
            var p = r.As<PlacementView>();
            return $"placement {p.PlacementId}: {State(p.State)}\n";
        });

    /// <summary>A command on one placement by id: <c>show</c> and <c>release</c> differ only in the method and what they print.</summary>
    private static Command ById(CliOutput output, string name, string description, Func<ControllerClient, string, ControllerClient.Reply> send, Func<ControllerClient.Reply, string> human)
    {
        var remote = new RemoteOptions();
        var format = new OutputOption();
        var id = new Argument<string>("ID") { Description = "The placement id (its request id)" };
        var command = new Command(name, description);
        command.Arguments.Add(id);
        remote.AddTo(command);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            using var client = remote.Connect(parsed);
            var how = format.Get(parsed);
            var reply = send(client, $"api/v1/placements/{ControllerClient.Segment(parsed.GetValue(id)!)}");
            Print(output, how, reply, human);
            return P2pctl.Answered;
        }));
        return command;
    }

    private static Command Place(CliOutput output)
    {
        var remote = new RemoteOptions();
        var request = new RequestOptions();
        var format = new OutputOption();
        var requestId = new Option<string?>("--request-id") { Description = "The request (and placement) id, sent as Idempotency-Key; default: a new one, printed" };
        var command = new Command("place", "Place a buffer for these clients (idempotent by --request-id)");
        request.AddTo(command);
        command.Options.Add(requestId);
        remote.AddTo(command);
        format.AddTo(command);
        command.SetAction(parsed =>
        {
            var given = parsed.GetValue(requestId);
            var id = given ?? "p2pctl-" + Guid.NewGuid().ToString("N");
            return P2pctl.Guard(output, () =>
            {
                try
                {
                    var body = request.Body(parsed, id);
                    var how = format.Get(parsed);
                    using var client = remote.Connect(parsed);
                    var reply = client.Post("api/v1/placements", body, idempotencyKey: id);
                    Print(output, how, reply, r =>
                    {
                        var accepted = r.As<PlacementAccepted>();
                        var p = accepted.Placement;
                        var head = accepted.Existing
                            ? $"placement {p.PlacementId} already exists (request id {p.RequestId}): nothing new was placed\n"
                            : $"placed {p.PlacementId} (request id {p.RequestId}{(given is null ? ", generated: pass --request-id to retry safely" : string.Empty)})\n";
                        return head + Describe(p);
                    });
                    return P2pctl.Answered;
                }
                catch (ControllerException e)
                {
                    if (e.Explanation is { } explanation && format.Get(parsed) is OutputFormat.Table or OutputFormat.Wide)
                    {
                        output.Output.Write(Candidates(explanation));
                    }
                    // Without an answer (or with a 5xx) the caller cannot know whether it was placed: give the id to retry with.
                    throw given is null && e.Status is null or >= 500 ? new ControllerException($"{e.Message} (request id {id})", e.Explanation, e.Status) : e;
                }
            });
        });
        return command;
    }

    private static Command Explain(CliOutput output)
    {
        var remote = new RemoteOptions();
        var request = new RequestOptions();
        var format = new OutputOption();
        var command = new Command("explain", "The placement decision as a dry run: every provider ranked, with its reasons; nothing is reserved");
        request.AddTo(command);
        remote.AddTo(command);
        format.AddTo(command);
        command.SetAction(parsed => P2pctl.Guard(output, () =>
        {
            var body = request.Body(parsed, requestId: null);
            var how = format.Get(parsed);
            using var client = remote.Connect(parsed);
            var reply = client.Post("api/v1/placements/explain", body);
            Print(output, how, reply, r => Candidates(r.As<PlacementExplanation>()));
            return P2pctl.Answered;
        }));
        return command;
    }

    private static void Print(CliOutput output, OutputFormat format, ControllerClient.Reply reply, Func<ControllerClient.Reply, string> human)
    {
        if (!output.Structured(format, reply.Body))
        {
            output.Output.Write(human(reply));
        }
    }

    private static string Describe(PlacementView p)
    {
        var lines = new List<(string, string)>
        {
            ("id", p.PlacementId),
            ("request id", p.RequestId),
            ("state", State(p.State) + (p.Reason is null ? string.Empty : $" ({p.Reason})")),
            ("host", p.Host),
            ("provider", p.Provider),
            ("clients", string.Join(", ", p.Clients.Select(c => c == p.NamespaceDevice ? $"{c} ({NamespaceDeviceRole})" : c))),
            ("size", $"{TreeWriter.Bytes(p.SizeBytes)} ({p.SizeBytes.ToString(CultureInfo.InvariantCulture)} bytes)"),
            ("mode", p.Mode),
        };
        if (p.Offset is { } offset)
        {
            lines.Add(("offset", offset.ToString(CultureInfo.InvariantCulture) + (p.Length is { } length ? $", length {length.ToString(CultureInfo.InvariantCulture)}" : string.Empty)));
        }
        if (p.Nvmeof is { } n)
        {
            lines.Add(("nvmeof", $"{n.SubsystemNqn} namespace {n.NamespaceId}" + (n.PortId is { } port ? $" port {port}" : string.Empty) + (n.ManageEnable ? ", managed enable" : string.Empty)
                + (n.Apply ? string.Empty : ", not applied (requested)")));
            lines.Add(("nvmet", !n.Apply ? "not applied: the request asked for none" : p.Nvmet is { } seen
                ? $"{NvmetStates.Name(seen.State)}: desired {seen.Desired}, p2pmem reads {seen.Actual ?? "?"}, {(seen.Enabled is { } on ? (on ? "enabled" : "disabled") : "enable unreadable")}"
                    + (seen.Errno is { } errno ? $", errno {errno}" : string.Empty) + $" (read {seen.ObservedAt:u})"
                : "not reported yet by the node"));
            if (p.Nvmet is { State: not NvmetState.Applied } problem)
            {
                lines.Add(("", problem.Message));
            }
        }
        if (p.Affected is { } impact)
        {
            lines.Add(("affected", $"since {impact.Since:u} by {string.Join("; ", impact.Changes)}"));
            lines.Add(("", "was " + impact.Before));
            lines.Add(("", "now " + impact.After));
        }
        var width = lines.Max(l => l.Item1.Length);
        return string.Concat(lines.Select(l => $"{l.Item1.PadRight(width)}  {l.Item2}\n"));
    }

    private static string Candidates(PlacementExplanation e)
    {
        var text = new System.Text.StringBuilder();
        text.Append($"host {e.Host}, mode {e.Mode}: ")
            .Append(e.Provider is null ? "no provider fits" : $"provider {e.Provider}").Append('\n');
        if (e.NamespaceDevice is { } device)
        {
            text.Append($"{NamespaceDeviceRole}: {device} (the NVMe-oF namespace's own PCI function, placed for as a client: the kernel checks it at enable)\n");
        }
        foreach (var warning in e.Warnings)
        {
            text.Append($"warning: {warning}\n");
        }
        var table = new Table("RANK", "PROVIDER", "NAME", "ELIGIBLE", "LEVEL", "DISTANCE", "BOTTLENECK", "AVAILABLE", "LARGEST FREE", "REASON");
        foreach (var c in e.Candidates)
        {
            table.Add(c.Eligible && c.Rank > 0 ? c.Rank.ToString(CultureInfo.InvariantCulture) : "-", c.Provider, c.ProviderName ?? "-", c.Eligible ? "yes" : "no", c.Level,
                c.DistanceSum.ToString(CultureInfo.InvariantCulture), c.Bottleneck?.Text ?? "-",
                TreeWriter.Bytes(c.AvailableBytes), TreeWriter.Bytes(c.LargestFreeExtentBytes), c.Reason);
        }
        text.Append(table.Write());
        if (e.Candidates.Count == 0)
        {
            text.Append("(the host has no p2pmem provider)\n");
        }
        return text.ToString();
    }

    private static string State(PlacementState state) => state.ToString().ToLowerInvariant();

    /// <summary>As the controller's explanation names it (<c>ClientVerdict.Role</c>).</summary>
    private const string NamespaceDeviceRole = "namespace device";

    /// <summary>The options of a placement request, shared by <c>place</c> and <c>explain</c>.</summary>
    private sealed class RequestOptions
    {
        private readonly Option<string> host = new("--host") { Description = "The host to place on", Required = true };
        private readonly Option<string[]> clients = new("--client")
        {
            Description = "A client device (repeat or comma-separate for several)",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        private readonly Option<long> size = new("--size")
        {
            Description = "Buffer size: bytes, or with a unit (4KiB, 1MiB, 2G = 2 GiB, 1GB = 10^9)",
            Required = true,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
                if (ByteSize.TryParse(text, out var bytes, out var error))
                {
                    return bytes;
                }
                result.AddError($"--size: {error}");
                return 0;
            },
        };
        private readonly Option<string?> mode = new("--mode") { Description = "orchestrator (default), kernel or rfc2017" };
        private readonly Option<string?> maxLevel = new("--max-level") { Description = "The farthest level allowed: X, PIX, PXB, PHB, NODE or SYS" };
        private readonly Option<string?> provider = new("--provider") { Description = "Pin the p2pmem provider" };
        private readonly Option<string?> nqn = new("--nqn") { Description = "NVMe-oF subsystem NQN the buffer serves (with --nsid)" };
        private readonly Option<int?> nsid = new("--nsid") { Description = "NVMe-oF namespace id (with --nqn)" };
        private readonly Option<int?> portId = new("--port-id") { Description = "NVMe-oF port id (with --nqn)" };
        private readonly Option<bool> manageEnable = new("--manage-enable")
        {
            Description = "Let the node disable the namespace to set its p2pmem and enable it afterwards (with --nqn); without it an enabled namespace is left alone",
        };
        private readonly Option<bool> noApply = new("--no-apply")
        {
            Description = "Record the NVMe-oF target but write nothing to nvmet, and place even when the namespace does not exist yet or no PCI function backs it (with --nqn)",
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { host, clients, size, mode, maxLevel, provider, nqn, nsid, portId, manageEnable, noApply })
            {
                command.Options.Add(option);
            }
        }

        public PlacementRequestBody Body(ParseResult parsed, string? requestId)
        {
            var subsystem = parsed.GetValue(nqn);
            var namespaceId = parsed.GetValue(nsid);
            var port = parsed.GetValue(portId);
            if ((subsystem is null) != (namespaceId is null))
            {
                throw new UsageException("--nqn and --nsid go together");
            }
            if (port is not null && subsystem is null)
            {
                throw new UsageException("--port-id needs --nqn and --nsid");
            }
            var managed = parsed.GetValue(manageEnable);
            if (managed && subsystem is null)
            {
                throw new UsageException("--manage-enable needs --nqn and --nsid");
            }
            var apply = !parsed.GetValue(noApply);
            if (!apply && subsystem is null)
            {
                throw new UsageException("--no-apply needs --nqn and --nsid");
            }
            if (!apply && managed)
            {
                throw new UsageException("--no-apply and --manage-enable contradict each other: nothing is written without apply");
            }
            var (m, level, pinned) = (parsed.GetValue(mode), parsed.GetValue(maxLevel), parsed.GetValue(provider));
            var list = parsed.GetValue(clients)!
                .SelectMany(c => c.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                .ToList();
            return new PlacementRequestBody(
                parsed.GetValue(host),
                list,
                parsed.GetValue(size),
                subsystem is null ? null : new NvmeofTarget(subsystem, namespaceId!.Value, port, managed, apply),
                m is null && level is null && pinned is null ? null : new PlacementPolicy(m, level, pinned),
                requestId);
        }
    }
}
