using System.Buffers;
using System.Globalization;
using System.Text;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Protocol.Rules;

/// <summary>
/// The one definition of what a placement request may carry, used wherever one arrives: the REST edge (field by
/// field), the placement coordinator (a <see cref="PlaceBuffer"/> may come straight over remoting) and the node's
/// nvmet applier (before it touches configfs). Each check answers null for an acceptable value, otherwise one
/// message that names the field, quotes the value and says what is expected.
/// </summary>
public static class RequestRules
{
    /// <summary>Request ids become placement ids, URL path segments and journal keys.</summary>
    public const int MaxRequestIdLength = 128;

    public const string RequestIdAlphabet = "letters, digits, '.', '_', ':' and '-'";

    public const int MaxClients = 64;

    /// <summary>1 TiB: far above any p2pmem BAR or CMB of today, far below sizes whose arithmetic could overflow.</summary>
    public const long MaxSizeBytes = 1L << 40;

    /// <summary>A DNS name's limit.</summary>
    public const int MaxHostLength = 253;

    /// <summary>NVMe base specification: an NQN is at most 223 bytes of UTF-8 (the kernel's <c>NVMF_NQN_SIZE</c>).</summary>
    public const int MaxNqnBytes = 223;

    /// <summary>The well-known discovery subsystem: nvmet refuses to create it through configfs.</summary>
    public const string DiscoveryNqn = "nqn.2014-08.org.nvmexpress.discovery";

    public const string UuidNqnPrefix = "nqn.2014-08.org.nvmexpress:uuid:";

    public const string NqnForms = "nqn.yyyy-mm.reverse-domain:name or nqn.2014-08.org.nvmexpress:uuid:UUID";

    /// <summary>nvmet port ids are 16-bit (<c>kstrtou16</c> on the port's directory name).</summary>
    public const int MaxPortId = ushort.MaxValue;

    private static readonly string SizeRange = $"expected 1 to {MaxSizeBytes} bytes (1 TiB)";

    private static readonly string HostExpected = $"expected 1 to {MaxHostLength} printable characters";

    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-");

    /// <summary>A request id: 1 to 128 of a safe alphabet, and not a path segment that URL normalisation removes.</summary>
    public static string? RequestId(string? id)
    {
        string? reason = null;
        if (id is null or "")
        {
            reason = "it is empty";
        }
        else if (id.Length > MaxRequestIdLength)
        {
            reason = $"it is longer than {MaxRequestIdLength} characters";
        }
        else if (id is "." or "..")
        {
            reason = "URL path normalisation removes '.' and '..' segments";
        }
        else if (id.AsSpan().IndexOfAnyExcept(IdCharacters) is var at and >= 0)
        {
            reason = $"{Quote(id[at].ToString())} at position {at + 1} is not allowed";
        }
        return reason is null ? null
            : $"requestId {Quote(id ?? string.Empty)} is not a request id ({reason}): expected 1 to {MaxRequestIdLength} {RequestIdAlphabet}, other than '.' and '..'";
    }

    /// <summary>A host name as the controller knows hosts: present, at most 253 printable characters.</summary>
    public static string? HostName(string? host) => host switch
    {
        null => $"host is required: {HostExpected}",
        _ when string.IsNullOrWhiteSpace(host) => $"host {Quote(host)} is blank: {HostExpected}",
        { Length: > MaxHostLength } => $"host {Quote(host)} is longer than {MaxHostLength} characters: {HostExpected}",
        _ when host.Any(char.IsControl) => $"host {Quote(host)} contains a control character: {HostExpected}",
        _ => null,
    };

    /// <summary>How many client devices one placement may name.</summary>
    public static string? ClientCount(int count) => count switch
    {
        > 0 and <= MaxClients => null,
        0 => $"clients names no device: expected 1 to {MaxClients} client device addresses",
        _ => $"clients names {count} devices: expected 1 to {MaxClients} client device addresses",
    };

    /// <summary>A buffer size: positive and at most <see cref="MaxSizeBytes"/>.</summary>
    public static string? SizeBytes(long size) => size switch
    {
        <= 0 => $"sizeBytes {size} is not positive: {SizeRange}",
        > MaxSizeBytes => $"sizeBytes {size} is larger than the maximum: {SizeRange}",
        _ => null,
    };

    /// <summary>
    /// An NVMe Qualified Name (NVMe base specification, "NVMe Qualified Names"): at most 223 bytes of UTF-8, either
    /// <c>nqn.yyyy-mm.reverse-domain[:name]</c> or <c>nqn.2014-08.org.nvmexpress:uuid:</c> and an 8-4-4-4-12 hex
    /// UUID; and, since it names a configfs directory, no '/' and no control character.
    /// </summary>
    /// <remarks>
    /// Stricter than the kernel on purpose. nvmet's <c>nvmet_subsys_make</c> (drivers/nvme/target/configfs.c) refuses
    /// only the discovery NQN (and the unique discovery NQN), and <c>nvmet_subsys_alloc</c> keeps at most
    /// <c>NVMF_NQN_SIZE</c> (223) bytes of a longer name without a word; configfs itself refuses only '/', "." and
    /// "..". So the kernel lets an administrator create <c>subsystems/foo</c>, but such a subsystem cannot be
    /// reached by a spec-following host, and a placement naming it is a typo more often than intent: we refuse it
    /// at the edge with the reason rather than at the node after the placement was made.
    /// </remarks>
    public static string? SubsystemNqn(string? nqn)
    {
        var reason = NqnProblem(nqn);
        return reason is null ? null : $"subsystemNqn {Quote(nqn ?? string.Empty)} is not an NVMe qualified name ({reason}): expected {NqnForms}";
    }

    /// <summary>An NVMe namespace id: 1 and up (0 is not a namespace; 0xFFFFFFFF, the broadcast id, is beyond an int).</summary>
    public static string? NamespaceId(int namespaceId)
        => namespaceId > 0 ? null : $"namespaceId {namespaceId} is not positive: expected a namespace id of 1 or more";

    /// <summary>An nvmet port id, when given.</summary>
    public static string? PortId(int? portId)
        => portId is null or (>= 0 and <= MaxPortId) ? null : $"portId {portId} is not an nvmet port id: expected 0 to {MaxPortId}";

    /// <summary>Every problem of an NVMe-oF target, keyed by its field (<c>subsystemNqn</c>, <c>namespaceId</c>, <c>portId</c>).</summary>
    public static IEnumerable<(string Field, string Message)> Nvmeof(NvmeofTarget target)
    {
        if (SubsystemNqn(target.SubsystemNqn) is { } nqn)
        {
            yield return ("subsystemNqn", nqn);
        }
        if (NamespaceId(target.NamespaceId) is { } nsid)
        {
            yield return ("namespaceId", nsid);
        }
        if (PortId(target.PortId) is { } port)
        {
            yield return ("portId", port);
        }
        if (target is { ManageEnable: true, Apply: false })
        {
            yield return ("manageEnable", "manageEnable needs apply: with apply false nothing is written to nvmet");
        }
    }

    /// <summary>A value for a message: quoted, control characters escaped, at most 64 characters of it shown.</summary>
    public static string Quote(string value)
    {
        const int Shown = 64;
        var text = new StringBuilder("'");
        foreach (var c in value.Length > Shown ? value[..Shown] : value)
        {
            if (char.IsControl(c))
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                text.Append(c);
            }
        }
        text.Append('\'');
        if (value.Length > Shown)
        {
            text.Append(CultureInfo.InvariantCulture, $"… ({value.Length} characters)");
        }
        return text.ToString();
    }

    private static string? NqnProblem(string? nqn)
    {
        if (string.IsNullOrEmpty(nqn))
        {
            return "it is empty";
        }
        var bytes = Encoding.UTF8.GetByteCount(nqn);
        if (bytes > MaxNqnBytes)
        {
            return $"it is {bytes} bytes of UTF-8, at most {MaxNqnBytes} are allowed";
        }
        if (nqn.Contains('/', StringComparison.Ordinal))
        {
            return "'/' cannot stand in a configfs directory name";
        }
        if (nqn.Any(char.IsControl))
        {
            return "it contains a control character";
        }
        if (nqn == DiscoveryNqn)
        {
            return "it is the discovery subsystem's, which nvmet does not let configfs create";
        }
        if (!nqn.StartsWith("nqn.", StringComparison.Ordinal))
        {
            return "it does not start with 'nqn.'";
        }
        if (nqn.Length < 12 || !IsDate(nqn.AsSpan(4, 7)) || nqn[11] != '.')
        {
            return "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'";
        }
        var rest = nqn[12..];
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        var domain = colon < 0 ? rest : rest[..colon];
        if (domain.Length == 0 || domain.Split('.').Any(label => label.Length == 0 || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            return $"{Quote(domain)} is not a reverse domain name (dot-separated labels of letters, digits and '-')";
        }
        if (colon >= 0 && colon == rest.Length - 1)
        {
            return "nothing follows the ':'";
        }
        if (nqn.StartsWith(UuidNqnPrefix, StringComparison.Ordinal) && !IsUuid(nqn.AsSpan(UuidNqnPrefix.Length)))
        {
            return $"{Quote(nqn[UuidNqnPrefix.Length..])} is not a UUID (8-4-4-4-12 hex digits)";
        }
        return null;
    }

    private static bool IsDate(ReadOnlySpan<char> date)
        => date.Length == 7 && date[4] == '-' && AllDigits(date[..4]) && AllDigits(date[5..])
           && int.Parse(date[5..], NumberStyles.None, CultureInfo.InvariantCulture) is >= 1 and <= 12;

    private static bool AllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsUuid(ReadOnlySpan<char> text)
    {
        if (text.Length != 36)
        {
            return false;
        }
        for (var i = 0; i < text.Length; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? text[i] != '-' : !char.IsAsciiHexDigit(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
