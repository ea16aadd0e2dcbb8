using Microsoft.AspNetCore.Builder;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>A service that could not protect itself does not start, and says what to change.</summary>
public sealed class StartupTests
{
    [Fact]
    public void A_service_without_a_token_authority_refuses_to_start_naming_the_setting()
    {
        var error = Should.Throw<InvalidOperationException>(() => GuardedHost.Build(new Dictionary<string, string?> { ["Identity:Audience"] = "guarded" }));

        error.Message.ShouldStartWith("Identity:Authority is not set: set it (environment Identity__Authority) to the token service's URL");
    }

    [Fact]
    public void A_service_without_an_audience_refuses_to_start_naming_the_setting()
    {
        var error = Should.Throw<InvalidOperationException>(() => GuardedHost.Build(new Dictionary<string, string?> { ["Identity:Authority"] = "http://127.0.0.1:1/" }));

        error.Message.ShouldStartWith("Identity:Audience is not set");
    }

    [Fact]
    public async Task A_method_that_declares_no_scope_stops_the_start()
    {
        await using var app = GuardedHost.Build(
            new Dictionary<string, string?> { ["Identity:Authority"] = "http://127.0.0.1:1/", ["Identity:Audience"] = "guarded" },
            map: web => web.MapGrpcService<GuardedHost.Undeclared>());

        var error = await Should.ThrowAsync<InvalidOperationException>(() => app.StartAsync(TestContext.Current.CancellationToken));

        error.Message.ShouldContain("/llr.guarded.v1.UndeclaredService/Anything");
        error.Message.ShouldNotContain("GuardedService/Read");
    }
}
