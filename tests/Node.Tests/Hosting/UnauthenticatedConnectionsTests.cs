using Orchestrator.Hosting.Remoting;

namespace Orchestrator.Node.Tests.Hosting;

public sealed class UnauthenticatedConnectionsTests
{
    private static readonly DateTime T0 = new(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void One_address_gets_its_share_and_the_total_bounds_everyone()
    {
        var pending = new UnauthenticatedConnections(total: 5, perAddress: 3, TimeSpan.FromSeconds(20));
        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(pending.TryAdmit("10.0.0.9", T0, out _));
        }
        Assert.Null(pending.TryAdmit("10.0.0.9", T0, out var perAddress));
        Assert.Equal("3 connections from 10.0.0.9 have not completed a handshake (at most 3 per address)", perAddress);

        Assert.NotNull(pending.TryAdmit("10.0.0.1", T0, out _));
        Assert.NotNull(pending.TryAdmit("10.0.0.2", T0, out _));
        Assert.Null(pending.TryAdmit("10.0.0.3", T0, out var total));
        Assert.Equal("5 connections have not completed a handshake (at most 5)", total);
    }

    [Fact]
    public void A_released_slot_is_free_again_and_releasing_twice_frees_only_one()
    {
        var pending = new UnauthenticatedConnections(total: 2, perAddress: 2, TimeSpan.FromSeconds(20));
        var first = pending.TryAdmit("10.0.0.9", T0, out _)!;
        Assert.NotNull(pending.TryAdmit("10.0.0.9", T0, out _));
        first.Release();
        first.Release();
        Assert.Equal(1, pending.Count);
        Assert.NotNull(pending.TryAdmit("10.0.0.9", T0, out _));
        Assert.Null(pending.TryAdmit("10.0.0.9", T0, out _));
    }

    [Fact]
    public void A_slot_whose_end_is_never_reported_expires()
    {
        var pending = new UnauthenticatedConnections(total: 1, perAddress: 1, TimeSpan.FromSeconds(20));
        Assert.NotNull(pending.TryAdmit("10.0.0.9", T0, out _));
        Assert.Null(pending.TryAdmit("10.0.0.9", T0.AddSeconds(19), out _));
        Assert.NotNull(pending.TryAdmit("10.0.0.9", T0.AddSeconds(20), out _));
    }
}
