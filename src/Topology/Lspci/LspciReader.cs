using System.Globalization;
using Orchestrator.Protocol;
using Orchestrator.Topology.Model;

namespace Orchestrator.Topology.Lspci;

/// <summary>
/// Reads the tree that <c>lspci -tv</c>, <c>lspci -tvnn</c> or <c>lspci -t -vvv</c> prints, as people paste it:
/// with prompt or status lines before it, a common indent, one root bus (no <c>[dddd:bb]</c>) or many.
/// </summary>
/// <remarks>
/// The tree is column based. An entry is <c>dd.f</c>, followed by its name, or by <c>-[sec]--</c> /
/// <c>-[sec-sub]--</c> when it is a bridge; a bus's children follow as <c>--dd.f</c> (one child, on the same
/// line) or <c>+-dd.f</c> (the first of several; the others follow on later lines at the same column as
/// <c>+-</c> or, for the last, <c>\-</c>). A root bus is <c>[dddd:bb]-</c> followed by its children the same
/// way. Every device gets the domain of its root bus and, as its bus, the secondary bus of its parent.
/// Kinds are left to <see cref="HostTopology.Build"/>; entries with a bus range carry class 0x060400 so that
/// an empty bridge is still a bridge.
/// </remarks>
public sealed class LspciReader
{
    private const int BridgeClass = 0x060400;
    private const int MaxExcerpt = 100;

    private static readonly Parent TopLevel = new(null, null, default);
    private static readonly PciBus DefaultRoot = new(0, 0);

    private readonly string source;
    private readonly IReadOnlyDictionary<PciBus, int>? numaByRootBus;
    private readonly List<PciFunction> functions = [];
    private readonly List<TopologyDiagnostic> diagnostics = [];

    /// <summary>The lists still expecting siblings, by the column of their <c>+</c>.</summary>
    private readonly SortedDictionary<int, OpenList> open = [];

    private string line = string.Empty;
    private int lineNumber;

    private LspciReader(string source, IReadOnlyDictionary<PciBus, int>? numaByRootBus)
    {
        this.source = source;
        this.numaByRootBus = numaByRootBus;
    }

    /// <summary>
    /// Parses lspci tree text into a topology. <paramref name="source"/> names the input in errors and
    /// diagnostics; <paramref name="numaByRootBus"/> gives each root bus's NUMA node when known.
    /// </summary>
    /// <exception cref="TopologyException">The text holds no tree, or a tree line is malformed (the message
    /// names the source, line, column and text), or the tree is inconsistent (e.g. a duplicate address).</exception>
    public static HostTopology Parse(
        string text,
        string source,
        string host,
        CpuInfo cpu,
        IReadOnlyDictionary<PciBus, int>? numaByRootBus = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(cpu);

        var reader = new LspciReader(source, numaByRootBus);
        reader.ReadLines(text);
        return HostTopology.Build(source, host, cpu, reader.functions, numaByRootBus, reader.diagnostics);
    }

    /// <summary>Reads and parses a file; the host defaults to the file name without its extension.</summary>
    /// <exception cref="TopologyException">The file cannot be read or does not hold a valid lspci tree.</exception>
    public static HostTopology ReadFile(string path, string? host, CpuInfo cpu, IReadOnlyDictionary<PciBus, int>? numa = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TopologyException($"{path}: cannot read lspci output: {e.Message}", e);
        }
        return Parse(text, path, host ?? Path.GetFileNameWithoutExtension(path), cpu, numa);
    }

    private void ReadLines(string text)
    {
        var lines = text.Split('\n');
        var count = lines.Length;
        if (count > 0 && lines[count - 1].Length == 0)
        {
            count--; // the text ends with a newline
        }
        var started = false;
        for (var i = 0; i < count; i++)
        {
            lineNumber = i + 1;
            line = lines[i].TrimEnd();
            if (i == 0 && line.StartsWith('\uFEFF'))
            {
                line = line[1..];
            }
            var start = 0;
            while (start < line.Length && (line[start] == ' ' || line[start] == '\t'))
            {
                start++;
            }
            if (start == line.Length)
            {
                diagnostics.Add(new(source, $"skipped line {lineNumber}: blank"));
                continue;
            }
            if (!IsTreeLine(line.AsSpan(start)))
            {
                diagnostics.Add(new(source, $"skipped line {lineNumber}: not part of the tree ('{Cut(line.Trim())}')"));
                continue;
            }
            TreeLine(start, first: !started);
            started = true;
        }
        if (!started || functions.Count == 0)
        {
            throw new TopologyException(
                $"no lspci tree found in {source} (expected the output of lspci -tv, e.g. '-+-[0000:00]-+-00.0  Name')");
        }
        CloseOpenLists(int.MinValue);
    }

    private static bool IsTreeLine(ReadOnlySpan<char> s)
        => s.StartsWith("-+-") || s.StartsWith("-[") || s.StartsWith("--")
           || s.StartsWith("+-") || s.StartsWith("\\-") || s.StartsWith("|");

    private void TreeLine(int start, bool first)
    {
        if (line[start] == '-')
        {
            TreeStart(start);
            return;
        }

        // A continuation: '|' for lists still open to the left, then '+-' or '\-' at the column of its list.
        var c = start;
        while (c < line.Length && (line[c] == ' ' || line[c] == '|' || line[c] == '\t'))
        {
            c++;
        }
        if (c == line.Length)
        {
            return; // only the bars of open lists
        }
        if ((line[c] != '+' && line[c] != '\\') || At(c + 1) != '-')
        {
            throw Fail(c, "expected '+-' or '\\-' after the '|' of open lists");
        }
        CloseOpenLists(c);
        Parent parent;
        if (open.TryGetValue(c, out var list))
        {
            parent = list.Parent;
            if (line[c] == '\\')
            {
                open.Remove(c);
            }
        }
        else if (first && c == start)
        {
            // An excerpt that starts with one of several root buses, e.g. '+-[0000:44]---00.0-[45-5c]…'.
            parent = TopLevel;
            if (line[c] == '+')
            {
                Open(c, parent);
            }
        }
        else
        {
            throw Fail(c, $"'{line[c]}-' continues a list at column {c + 1}, but no list above is open at that column", 2);
        }
        ParseChain(c + 2, parent);
    }

    /// <summary>The first line of a tree: <c>-+-</c> (several root buses or devices), <c>---</c> (one) or <c>-[dddd:bb]-</c>.</summary>
    private void TreeStart(int start)
    {
        CloseOpenLists(int.MinValue);
        switch (At(start + 1), At(start + 2))
        {
            case ('+', '-'):
                Open(start + 1, TopLevel);
                ParseChain(start + 3, TopLevel);
                break;
            case ('-', '-'):
                ParseChain(start + 3, TopLevel);
                break;
            case ('[', _):
                ParseChain(start + 1, TopLevel);
                break;
            default:
                throw Fail(start, "expected '-+-', '---' or '-[dddd:bb]' at the start of the tree", 3);
        }
    }

    /// <summary>
    /// Parses one child at <paramref name="pos"/> and, while the line goes on, its first child, and so on:
    /// a line is a chain of first children ending in a name, an empty bridge or the end of the line.
    /// </summary>
    private void ParseChain(int pos, Parent parent)
    {
        while (true)
        {
            if (parent.Bus is not { } bus)
            {
                if (At(pos) == '[')
                {
                    var root = ParseRootBus(ref pos);
                    parent = new Parent(root, null, root);
                    Expect(ref pos, '-', "expected '-' after the root bus");
                    if (!Children(ref pos, parent))
                    {
                        diagnostics.Add(new(source, $"line {lineNumber}: root bus {root} has no devices"));
                        return;
                    }
                    continue;
                }

                // One root bus and no '[dddd:bb]': the devices of bus 0000:00.
                parent = new Parent(DefaultRoot, null, DefaultRoot);
                bus = DefaultRoot;
            }

            var entry = pos;
            var address = ParseDevice(ref pos, bus);
            if (pos == line.Length)
            {
                Add(address, parent, null, bridge: false);
                return;
            }
            if (line[pos] == ' ' || line[pos] == '\t')
            {
                Add(address, parent, line[pos..].Trim(), bridge: false);
                return;
            }
            if (line[pos] != '-' || At(pos + 1) != '[')
            {
                throw Fail(pos, $"expected the name or '-[bus]' after device {line.Substring(entry, 4)}");
            }
            var secondary = ParseBusRange(ref pos);
            Add(address, parent, null, bridge: true);
            Expect(ref pos, '-', "expected '--' after the bus range");
            if (pos == line.Length)
            {
                return; // an empty bridge, printed as '-[xx]-' by some lspci versions
            }
            Expect(ref pos, '-', "expected '--' after the bus range");
            parent = new Parent(new PciBus(parent.Root.Domain, secondary), address, parent.Root);
            if (!Children(ref pos, parent))
            {
                return; // an empty bridge: '-[xx]--'
            }
        }
    }

    /// <summary>
    /// The children of a bus: nothing (end of line), <c>--</c> (one child) or <c>+-</c> (the first of several,
    /// opening a list at that column). True when a child follows at <paramref name="pos"/>.
    /// </summary>
    private bool Children(ref int pos, Parent parent)
    {
        if (pos == line.Length)
        {
            return false;
        }
        switch (line[pos], At(pos + 1))
        {
            case ('-', '-'):
                pos += 2;
                return true;
            case ('+', '-'):
                Open(pos, parent);
                pos += 2;
                return true;
            default:
                throw Fail(pos, "expected '--' (one child), '+-' (several children) or the end of the line", 2);
        }
    }

    /// <summary><c>[dddd:bb]</c> at <paramref name="pos"/>.</summary>
    private PciBus ParseRootBus(ref int pos)
    {
        var start = pos;
        pos++;
        var ok = Hex(ref pos, 5, out var domain) && At(pos) == ':';
        var number = 0;
        if (ok)
        {
            pos++;
            ok = Hex(ref pos, 2, out number) && At(pos) == ']';
        }
        if (!ok)
        {
            throw line.IndexOf(']', start) < 0
                ? Fail(start, "unterminated root bus (expected '[dddd:bb]')", line.Length - start)
                : Fail(start, "bad root bus (expected '[dddd:bb]' with a hex domain and bus)", TokenLength(start, ']'));
        }
        pos++;
        if (domain > 0xFFFF)
        {
            throw Fail(start, $"PCI domain {domain:x} is out of range (at most ffff)", pos - start);
        }
        return new PciBus(domain, number);
    }

    /// <summary><c>-[sec]</c> or <c>-[sec-sub]</c> at <paramref name="pos"/>; returns the secondary bus.</summary>
    private int ParseBusRange(ref int pos)
    {
        var start = pos + 1; // the '['
        pos += 2;
        var ok = Hex(ref pos, 2, out var secondary);
        var subordinate = secondary;
        if (ok && At(pos) == '-')
        {
            pos++;
            ok = Hex(ref pos, 2, out subordinate);
        }
        if (!ok || At(pos) != ']')
        {
            throw line.IndexOf(']', start) < 0
                ? Fail(start, "unterminated bus range (expected '[bb]' or '[bb-bb]')", line.Length - start)
                : Fail(start, "bad bus range (expected '[bb]' or '[bb-bb]' with hex bus numbers)", TokenLength(start, ']'));
        }
        pos++;
        if (subordinate < secondary)
        {
            throw Fail(start, "bus range ends before it starts", pos - start);
        }
        return secondary;
    }

    /// <summary><c>dd.f</c> at <paramref name="pos"/>: two hex digits (at most 1f), '.', a function 0-7.</summary>
    private PciAddress ParseDevice(ref int pos, PciBus bus)
    {
        if (pos >= line.Length)
        {
            throw Fail(pos, "expected a device (dd.f)");
        }
        var p = pos;
        if (!Hex(ref p, 2, out var device) || p != pos + 2 || device > 0x1F || At(p) != '.' || At(p + 1) is < '0' or > '7')
        {
            throw Fail(pos, "bad device number (expected dd.f: two hex digits up to 1f, '.', a function 0-7)", 4);
        }
        var function = line[p + 1] - '0';
        pos = p + 2;
        return new PciAddress(bus.Domain, bus.Bus, device, function);
    }

    private void Add(PciAddress address, Parent parent, string? name, bool bridge)
    {
        var (label, vendor, device) = SplitIds(name);
        functions.Add(new PciFunction
        {
            Address = address,
            Parent = parent.Bridge,
            Label = label,
            Vendor = vendor,
            Device = device,
            ClassCode = bridge ? BridgeClass : null,
            NumaNode = numaByRootBus is not null && numaByRootBus.TryGetValue(parent.Root, out var node) ? node : -1,
        });
    }

    /// <summary>
    /// Splits <c>Name [vvvv:dddd]</c> (<c>lspci -tvnn</c>) into the name and the IDs; a bare <c>vvvv:dddd</c>
    /// (<c>lspci -tvn</c>) gives the IDs and no name. Other brackets (<c>[AMD]</c>, <c>[H200 SXM 141GB]</c>) stay.
    /// </summary>
    private static (string? Label, int? Vendor, int? Device) SplitIds(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return (null, null, null);
        }
        if (name.Length >= 11 && name[^1] == ']' && name[^11] == '[' && TryIds(name.AsSpan(name.Length - 10, 9), out var v, out var d))
        {
            var label = name[..^11].TrimEnd();
            return (label.Length > 0 ? label : null, v, d);
        }
        if (name.Length == 9 && TryIds(name, out v, out d))
        {
            return (null, v, d);
        }
        return (name, null, null);
    }

    private static bool TryIds(ReadOnlySpan<char> s, out int vendor, out int device)
    {
        device = 0;
        return int.TryParse(s[..4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out vendor)
               & s[4] == ':'
               & int.TryParse(s[5..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out device);
    }

    private void Open(int column, Parent parent) => open[column] = new OpenList(parent, lineNumber, column);

    /// <summary>
    /// Forgets the lists right of <paramref name="column"/> (all, for <see cref="int.MinValue"/>): a sibling at a
    /// column ends every deeper list, and lspci ends each list with '\-', so one still open was cut off.
    /// </summary>
    private void CloseOpenLists(int column)
    {
        foreach (var (c, list) in open.Where(kv => kv.Key > column).ToList())
        {
            open.Remove(c);
            var of = list.Parent switch
            {
                { Bus: null } => "the top-level list",
                { Bridge: { } b } => $"the list of devices behind bridge {b}",
                { Bus: { } bus } => $"the list of devices on root bus {bus}",
            };
            diagnostics.Add(new(
                source,
                $"line {list.Line}, column {list.Column + 1}: {of} has no last entry ('\\-'); the paste may be cut short"));
        }
    }

    private char At(int pos) => pos >= 0 && pos < line.Length ? line[pos] : '\0';

    private void Expect(ref int pos, char c, string problem)
    {
        if (At(pos) != c)
        {
            throw Fail(pos, problem);
        }
        pos++;
    }

    /// <summary>Reads 1 to <paramref name="maxDigits"/> hex digits.</summary>
    private bool Hex(ref int pos, int maxDigits, out int value)
    {
        value = 0;
        var start = pos;
        while (pos < line.Length && pos - start < maxDigits && char.IsAsciiHexDigit(line[pos]))
        {
            value = (value << 4) | HexValue(line[pos]);
            pos++;
        }
        return pos > start;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private int TokenLength(int start, char end)
    {
        var i = line.IndexOf(end, start);
        return i < 0 ? line.Length - start : i - start + 1;
    }

    /// <summary>An error naming the source, the 1-based line and column, the text there and the line.</summary>
    private TopologyException Fail(int pos, string problem, int tokenLength = 20)
    {
        var where = $"{source}: line {lineNumber}, column {pos + 1}: {problem}";
        var context = Cut(line.TrimStart());
        if (pos >= line.Length)
        {
            return new TopologyException($"{where}, found the end of the line in '{context}'");
        }
        var token = line.Substring(pos, Math.Min(Math.Max(tokenLength, 1), line.Length - pos));
        return new TopologyException($"{where}, found '{token}' in '{context}'");
    }

    private static string Cut(string s) => s.Length <= MaxExcerpt ? s : string.Concat(s.AsSpan(0, MaxExcerpt), "…");

    /// <summary>
    /// Where children attach: the top of the tree (<see cref="Bus"/> null: root buses, or the devices of bus
    /// 0000:00 when lspci printed no root bus), or a bus with the bridge above it (null on a root bus).
    /// </summary>
    private readonly record struct Parent(PciBus? Bus, PciAddress? Bridge, PciBus Root);

    private sealed record OpenList(Parent Parent, int Line, int Column);
}
