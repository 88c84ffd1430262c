using Orchestrator.Protocol.Controller;
using Orchestrator.Protocol.Rules;

namespace Orchestrator.Protocol.Tests.Rules;

/// <summary>Every rule of <see cref="RequestRules"/>, case by case: what passes, and what is refused with which reason.</summary>
public sealed class RequestRulesTests
{
    private const string NqnExpected = "expected nqn.yyyy-mm.reverse-domain:name or nqn.2014-08.org.nvmexpress:uuid:UUID";

    /// <summary>A valid NQN up to its name: 24 bytes, so a name of n ASCII characters makes an NQN of 24 + n bytes.</summary>
    private const string Prefix = "nqn.2014-08.org.example:";

    /// <summary>Each rule that takes text, by field: the check, how its refusals start, and how they end.</summary>
    private static readonly Dictionary<string, (Func<string?, string?> Check, string Is, string Expected)> TextRules = new(StringComparer.Ordinal)
    {
        ["subsystemNqn"] = (RequestRules.SubsystemNqn, "is not an NVMe qualified name", NqnExpected),
        ["requestId"] = (RequestRules.RequestId, "is not a request id", "expected 1 to 128 letters, digits, '.', '_', ':' and '-', other than '.' and '..'"),
    };

    public static TheoryData<string, string, string> Valid => new()
    {
        { "subsystemNqn", "domain and name", "nqn.2014-08.org.example:target-1" },
        { "subsystemNqn", "domain only, no name", "nqn.2016-06.io.spdk" },
        { "subsystemNqn", "hyphenated domain label", "nqn.2019-10.com.kioxia-corp:nvme:ssd-01" },
        { "subsystemNqn", "name with colons, dots and underscores", "nqn.1992-01.com.example:storage.nvme:sn.1234_x" },
        { "subsystemNqn", "name with a space", "nqn.2014-08.org.example:my target" },
        { "subsystemNqn", "non-ASCII name", "nqn.2014-08.org.example:überspeicher" },
        { "subsystemNqn", "uuid form", "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6" },
        { "subsystemNqn", "uuid form in upper-case hex", "nqn.2014-08.org.nvmexpress:uuid:F81D4FAE-7DEC-11D0-A765-00A0C91E6BF6" },
        { "subsystemNqn", "other names under nvmexpress", "nqn.2014-08.org.nvmexpress:NVMf:uuid" },
        { "subsystemNqn", "exactly 223 bytes", Prefix + new string('a', 223 - Prefix.Length) },
        { "subsystemNqn", "month 12", "nqn.2014-12.org.example:x" },
        { "requestId", "one letter", "a" },
        { "requestId", "every allowed character", "A.b_c:d-9" },
        { "requestId", "a hex guid", Guid.Empty.ToString("N") },
        { "requestId", "three dots", "..." },
        { "requestId", "dots around a name", "..a.." },
        { "requestId", "exactly 128 characters", new string('x', 128) },
    };

    public static TheoryData<string, string, string, string> Invalid => new()
    {
        { "subsystemNqn", "empty", "", "it is empty" },
        { "subsystemNqn", "dot", ".", "it does not start with 'nqn.'" },
        { "subsystemNqn", "dot dot", "..", "it does not start with 'nqn.'" },
        { "subsystemNqn", "path traversal", "../../etc", "'/' cannot stand in a configfs directory name" },
        { "subsystemNqn", "a plain word", "foo", "it does not start with 'nqn.'" },
        { "subsystemNqn", "upper-case prefix", "NQN.2014-08.org.example:x", "it does not start with 'nqn.'" },
        { "subsystemNqn", "only the prefix", "nqn.", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "month 13", "nqn.2014-13.org.example:x", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "month 00", "nqn.2014-00.org.example:x", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "two-digit year", "nqn.14-08.org.example:x", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "one-digit month", "nqn.2014-8.org.example:x", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "date without the dot", "nqn.2014-08:org.example", "'nqn.' is not followed by a date yyyy-mm (month 01 to 12) and '.'" },
        { "subsystemNqn", "no domain", "nqn.2014-08.:target", "'' is not a reverse domain name (dot-separated labels of letters, digits and '-')" },
        { "subsystemNqn", "empty label", "nqn.2014-08.org..example:x", "'org..example' is not a reverse domain name" },
        { "subsystemNqn", "trailing dot in domain", "nqn.2014-08.org.example.:x", "'org.example.' is not a reverse domain name" },
        { "subsystemNqn", "underscore in domain", "nqn.2014-08.org_example:x", "'org_example' is not a reverse domain name" },
        { "subsystemNqn", "colon and nothing", "nqn.2014-08.org.example:", "nothing follows the ':'" },
        { "subsystemNqn", "slash in the name", "nqn.2014-08.org.example:a/b", "'/' cannot stand in a configfs directory name" },
        { "subsystemNqn", "newline in the name", "nqn.2014-08.org.example:a\nb", "it contains a control character" },
        { "subsystemNqn", "NUL in the name", "nqn.2014-08.org.example:a\0", "it contains a control character" },
        { "subsystemNqn", "224 bytes", Prefix + new string('a', 224 - Prefix.Length), "it is 224 bytes of UTF-8, at most 223 are allowed" },
        { "subsystemNqn", "fewer than 223 characters but more than 223 bytes", Prefix + new string('é', 100), "it is 224 bytes of UTF-8, at most 223 are allowed" },
        { "subsystemNqn", "uuid form without a uuid", "nqn.2014-08.org.nvmexpress:uuid:not-a-uuid", "'not-a-uuid' is not a UUID (8-4-4-4-12 hex digits)" },
        { "subsystemNqn", "uuid without dashes", "nqn.2014-08.org.nvmexpress:uuid:f81d4fae7dec11d0a76500a0c91e6bf6", "is not a UUID" },
        { "subsystemNqn", "uuid with braces", "nqn.2014-08.org.nvmexpress:uuid:{f81d4fae-7dec-11d0-a765-00a0c91e6bf6}", "is not a UUID" },
        { "subsystemNqn", "uuid with a trailing name", "nqn.2014-08.org.nvmexpress:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6:x", "is not a UUID" },
        { "subsystemNqn", "the discovery subsystem", "nqn.2014-08.org.nvmexpress.discovery", "it is the discovery subsystem's, which nvmet does not let configfs create" },
        { "requestId", "empty", "", "it is empty" },
        { "requestId", "dot", ".", "URL path normalisation removes '.' and '..' segments" },
        { "requestId", "dot dot", "..", "URL path normalisation removes '.' and '..' segments" },
        { "requestId", "129 characters", new string('x', 129), "it is longer than 128 characters" },
        { "requestId", "a space", "bad id!", "' ' at position 4 is not allowed" },
        { "requestId", "a slash", "a/b", "'/' at position 2 is not allowed" },
        { "requestId", "percent-encoded dots", "%2e%2e", "'%' at position 1 is not allowed" },
        { "requestId", "a non-ASCII letter", "ä", "'ä' at position 1 is not allowed" },
        { "requestId", "a NUL", "a\0", "'\\u0000' at position 2 is not allowed" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_values_pass(string field, string @case, string value)
    {
        var message = TextRules[field].Check(value);
        Assert.True(message is null, $"{@case}: {message}");
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_values_are_refused_with_the_value_the_reason_and_what_is_expected(string field, string @case, string value, string reason)
    {
        var (check, what, expected) = TextRules[field];
        var message = check(value);
        Assert.True(
            message is not null && message.StartsWith($"{field} {RequestRules.Quote(value)} {what} (", StringComparison.Ordinal)
                && message.Contains(reason, StringComparison.Ordinal) && message.EndsWith($"): {expected}", StringComparison.Ordinal),
            $"{@case}: {message ?? "(accepted)"}");
    }

    [Fact]
    public void A_null_nqn_is_refused_as_empty()
    {
        Assert.Equal($"subsystemNqn '' is not an NVMe qualified name (it is empty): {NqnExpected}", RequestRules.SubsystemNqn(null));
    }

    [Fact]
    public void The_nqn_message_reads_as_one_sentence()
    {
        Assert.Equal($"subsystemNqn 'foo' is not an NVMe qualified name (it does not start with 'nqn.'): {NqnExpected}", RequestRules.SubsystemNqn("foo"));
    }


    [Theory]
    [InlineData("smallest", 1L)]
    [InlineData("a page", 4096L)]
    [InlineData("exactly 1 TiB", 1L << 40)]
    public void Valid_sizes_pass(string @case, long size)
    {
        Assert.True(RequestRules.SizeBytes(size) is null, @case);
    }

    [Theory]
    [InlineData("zero", 0L, "sizeBytes 0 is not positive")]
    [InlineData("negative", -5L, "sizeBytes -5 is not positive")]
    [InlineData("the smallest long", long.MinValue, "sizeBytes -9223372036854775808 is not positive")]
    [InlineData("one byte over 1 TiB", (1L << 40) + 1, "sizeBytes 1099511627777 is larger than the maximum")]
    [InlineData("the largest long", long.MaxValue, "sizeBytes 9223372036854775807 is larger than the maximum")]
    public void Invalid_sizes_are_refused_with_the_range(string @case, long size, string start)
    {
        var message = RequestRules.SizeBytes(size);
        Assert.True(message == $"{start}: expected 1 to 1099511627776 bytes (1 TiB)", $"{@case}: {message}");
    }

    [Theory]
    [InlineData("one", 1, null)]
    [InlineData("64", 64, null)]
    [InlineData("none", 0, "clients names no device: expected 1 to 64 client device addresses")]
    [InlineData("65", 65, "clients names 65 devices: expected 1 to 64 client device addresses")]
    public void Client_counts_are_1_to_64(string @case, int count, string? message)
    {
        Assert.True(RequestRules.ClientCount(count) == message, @case);
    }

    public static TheoryData<string, string?, string?> HostNames => new()
    {
        { "a name", "storage-01", null },
        { "253 characters", new string('h', 253), null },
        { "missing", null, "host is required: expected 1 to 253 printable characters" },
        { "empty", "", "host '' is blank: expected 1 to 253 printable characters" },
        { "blank", " ", "host ' ' is blank: expected 1 to 253 printable characters" },
        { "254 characters", new string('h', 254), $"host '{new string('h', 64)}'… (254 characters) is longer than 253 characters: expected 1 to 253 printable characters" },
        { "a tab", "a\tb", "host 'a\\u0009b' contains a control character: expected 1 to 253 printable characters" },
    };

    [Theory]
    [MemberData(nameof(HostNames))]
    public void Host_names_are_1_to_253_printable_characters(string @case, string? host, string? message)
    {
        Assert.True(RequestRules.HostName(host) == message, $"{@case}: {RequestRules.HostName(host)}");
    }

    [Theory]
    [InlineData("namespace 1", 1, null)]
    [InlineData("the largest int", int.MaxValue, null)]
    [InlineData("namespace 0", 0, "namespaceId 0 is not positive: expected a namespace id of 1 or more")]
    [InlineData("negative", -1, "namespaceId -1 is not positive: expected a namespace id of 1 or more")]
    public void Namespace_ids_are_positive(string @case, int namespaceId, string? message)
    {
        Assert.True(RequestRules.NamespaceId(namespaceId) == message, @case);
    }

    [Theory]
    [InlineData("none", null, null)]
    [InlineData("port 0", 0, null)]
    [InlineData("the largest u16", 65535, null)]
    [InlineData("negative", -1, "portId -1 is not an nvmet port id: expected 0 to 65535")]
    [InlineData("beyond 16 bits", 65536, "portId 65536 is not an nvmet port id: expected 0 to 65535")]
    public void Port_ids_are_16_bit(string @case, int? portId, string? message)
    {
        Assert.True(RequestRules.PortId(portId) == message, @case);
    }

    [Fact]
    public void An_nvmeof_target_reports_each_bad_field_by_name()
    {
        Assert.Empty(RequestRules.Nvmeof(new NvmeofTarget("nqn.2014-08.org.example:t", 1, 1)));
        Assert.Equal(["subsystemNqn", "namespaceId", "portId"], RequestRules.Nvmeof(new NvmeofTarget("..", 0, -1)).Select(e => e.Field));
        Assert.Equal(["manageEnable"], RequestRules.Nvmeof(new NvmeofTarget("nqn.2014-08.org.example:t", 1, 1, ManageEnable: true, Apply: false)).Select(e => e.Field));
    }

    [Fact]
    public void Quoted_values_escape_control_characters_and_stop_after_64_characters()
    {
        Assert.Equal("'a\\u000ab'", RequestRules.Quote("a\nb"));
        Assert.Equal($"'{new string('z', 64)}'… (100 characters)", RequestRules.Quote(new string('z', 100)));
    }
}
