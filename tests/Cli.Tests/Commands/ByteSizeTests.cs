using Orchestrator.Cli.Commands;

namespace Orchestrator.Cli.Tests.Commands;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1048576", 1048576L)]
    [InlineData("4KiB", 4096L)]
    [InlineData("4k", 4096L)]
    [InlineData("1MiB", 1048576L)]
    [InlineData("1 MiB", 1048576L)]
    [InlineData("2G", 2147483648L)]
    [InlineData("2Gi", 2147483648L)]
    [InlineData("1.5GiB", 1610612736L)]
    [InlineData("1GB", 1000000000L)]
    [InlineData("512B", 512L)]
    [InlineData("1T", 1099511627776L)]
    public void Sizes_with_units(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed, out var error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("12XB")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("0.5B")]
    [InlineData("1e3")]
    [InlineData("99999999999T")]
    public void Not_sizes(string text)
    {
        Assert.False(ByteSize.TryParse(text, out _, out var error));
        Assert.Contains($"'{text}'", error, StringComparison.Ordinal);
    }
}
