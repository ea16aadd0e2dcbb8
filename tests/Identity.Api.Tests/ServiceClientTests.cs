using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.ServiceDefaults.Identity;
using Shouldly;

namespace Identity.Api.Tests;

/// <summary>
/// The token provider services use for their own calls (Finance reading the registry, and the like), against the real
/// token service: one request per set of scopes, the token kept until shortly before it expires.
/// </summary>
public sealed class ServiceClientTests(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task A_service_client_asks_once_and_keeps_its_token_until_shortly_before_it_expires()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var tokens = new ClientCredentialsTokens(services.GetRequiredService<IHttpClientFactory>(),
            new ClientCredentialsOptions(fixture.Issuer, "finance", Path.Combine(fixture.StateDirectory, "identity", "clients", "finance.secret")),
            clock, NullLogger<ClientCredentialsTokens>.Instance);

        var first = await tokens.TokenAsync(["practices.read"], TestContext.Current.CancellationToken);
        clock.Now += TimeSpan.FromMinutes(13);
        var kept = await tokens.TokenAsync(["practices.read"], TestContext.Current.CancellationToken);
        // 15-minute tokens are renewed 90 s (a tenth) before they expire.
        clock.Now += TimeSpan.FromMinutes(1);
        var renewed = await tokens.TokenAsync(["practices.read"], TestContext.Current.CancellationToken);

        kept.ShouldBe(first);
        renewed.ShouldNotBe(first);
        var token = new JsonWebToken(first);
        token.GetClaim("client_id").Value.ShouldBe("finance");
        token.GetClaim("scope").Value.ShouldBe("practices.read");
        token.Audiences.ShouldBe(["practices"]);
    }

    [Fact]
    public async Task A_scope_the_service_was_not_given_fails_with_the_token_services_reason()
    {
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var tokens = new ClientCredentialsTokens(services.GetRequiredService<IHttpClientFactory>(),
            new ClientCredentialsOptions(fixture.Issuer, "finance", Path.Combine(fixture.StateDirectory, "identity", "clients", "finance.secret")),
            TimeProvider.System, NullLogger<ClientCredentialsTokens>.Instance);

        var refused = await Should.ThrowAsync<HttpRequestException>(() => tokens.TokenAsync(["practices.write"], TestContext.Current.CancellationToken));

        refused.Message.ShouldContain("invalid_scope");
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
