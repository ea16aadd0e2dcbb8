using Platform.AppHost.Hosting;
using Platform.AppHost.Hosting.Networking;
using Platform.Testing;
using Shouldly;

namespace Platform.AppHost.Tests;

/// <summary>
/// Free ports are chosen where nothing else on the machine can take them before their server binds: below the
/// kernel's ephemeral range (outgoing connections), and locked against every other AppHost (test assemblies run side
/// by side).
/// </summary>
public sealed class PortReservationTests
{
    [Fact]
    public void A_reserved_port_is_not_handed_out_again_until_it_is_released()
    {
        var first = new PortReservations();
        var port = first.ReserveFreePort();
        using var second = new PortReservations();

        second.TryReserve(port).ShouldBeFalse();

        first.Dispose();
        second.TryReserve(port).ShouldBeTrue();
    }

    [Fact]
    public async Task An_isolated_app_takes_every_free_port_below_the_ephemeral_range()
    {
        var builder = TestAppHost.CreateBuilder();
        var postgres = builder.AddPostgres("postgres", port: 55432);
        await using var app = builder.Build();

        int[] ports = [postgres.Resource.Endpoint.Port, app.DashboardUrl.Port, app.OtlpEndpoint.Port];
        ports.ShouldAllBe(port => port < PortReservations.EphemeralRangeStart());
    }
}
