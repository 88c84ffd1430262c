using Orchestrator.Controller.Placement;
using Orchestrator.Protocol.Controller;

namespace Orchestrator.Controller.Tests.Placement;

/// <summary>
/// A <see cref="PlaceBuffer"/> that did not come through the REST edge (remoting, a test, a future client) is held to
/// the same request rules: a bad request id or NVMe-oF target is Invalid before any host is looked at.
/// </summary>
public sealed class RequestValidationTests
{
    private static readonly PlaceBuffer Good = new("req-1", "storage-01", ["0000:03:00.0"], 1 << 20, new NvmeofTarget("nqn.2014-08.org.example:t", 1, 1));

    public static TheoryData<string, PlaceBuffer, string> Refused => new()
    {
        { "request id '..'", Good with { RequestId = ".." }, "requestId '..' is not a request id" },
        { "request id with a slash", Good with { RequestId = "a/b" }, "requestId 'a/b' is not a request id" },
        { "empty request id", Good with { RequestId = "" }, "requestId '' is not a request id" },
        { "nqn '..'", Good with { Nvmeof = new NvmeofTarget("..", 1, 1) }, "nvmeof: subsystemNqn '..' is not an NVMe qualified name" },
        { "nqn that is no nqn", Good with { Nvmeof = new NvmeofTarget("testnqn", 1, 1) }, "nvmeof: subsystemNqn 'testnqn' is not an NVMe qualified name" },
        { "namespace 0", Good with { Nvmeof = new NvmeofTarget("nqn.2014-08.org.example:t", 0, 1) }, "nvmeof: namespaceId 0 is not positive" },
        { "port beyond 16 bits", Good with { Nvmeof = new NvmeofTarget("nqn.2014-08.org.example:t", 1, 70000) }, "nvmeof: portId 70000 is not an nvmet port id" },
        { "size over 1 TiB", Good with { SizeBytes = (1L << 40) + 1 }, "sizeBytes 1099511627777 is larger than the maximum: expected 1 to 1099511627776 bytes (1 TiB)" },
        { "65 clients", Good with { Clients = [.. Enumerable.Range(0, 65).Select(i => $"0000:{i:x2}:00.0")] }, "clients names 65 devices: expected 1 to 64" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Bad_values_are_invalid_before_the_host_is_looked_at(string @case, PlaceBuffer place, string message)
    {
        var rejected = RequestValidation.Validate(null, place, out var request);
        Assert.NotNull(rejected);
        Assert.True(rejected.Kind == PlacementErrorKind.Invalid && rejected.Message.StartsWith(message, StringComparison.Ordinal), $"{@case}: {rejected}");
        Assert.Null(request);
    }

    [Fact]
    public void A_good_request_gets_as_far_as_the_host()
    {
        var rejected = RequestValidation.Validate(null, Good, out _);
        Assert.Equal((PlacementErrorKind.UnknownHost, "unknown host 'storage-01'"), (rejected?.Kind, rejected?.Message));
    }
}
