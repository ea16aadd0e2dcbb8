using Aspire.Hosting;
using Grpc.Core;
using Platform.Testing;
using Shouldly;

namespace Platform.FuzzTests;

/// <summary>Restarts the token service: runs alone, after the tests that fetch tokens from it.</summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class TokenServiceRestarts;

/// <summary>
/// The token service rotates its signing key (the dashboard's "Rotate signing key", which restarts it): tokens signed
/// with the new key are accepted by the services, which fetch the keys again when a token names one they have not seen,
/// and tokens signed with the old key keep working, since it stays published until they expire.
/// </summary>
[Collection(typeof(TokenServiceRestarts))]
public sealed class KeyRotationTests(FuzzFixture platform)
{
    [Fact]
    public async Task Tokens_signed_with_a_rotated_key_are_accepted_and_older_ones_still_are()
    {
        var before = await FreshTokenAsync();
        var finance = new Llr.Finance.V1.FinanceService.FinanceServiceClient(platform.AnonymousChannelTo("finance"));
        await finance.GetFinancialYearAsync(new Llr.Finance.V1.GetFinancialYearRequest { Name = "financialYears/2021-22" }, With(before));

        await platform.RunRestartingCommandAsync("identity", SigningKeyCommands.Rotate, TestContext.Current.CancellationToken);
        var after = await FreshTokenAsync();
        KeyId(after).ShouldNotBe(KeyId(before));

        // The first call naming the new key is refused and makes the service fetch the keys; one soon after passes
        // (at most one fetch per 30 s, Identity:KeyRefreshInterval, and other tests' forged key ids may have just used it).
        var deadline = DateTime.UtcNow.AddSeconds(75);
        while (true)
        {
            try
            {
                await finance.GetFinancialYearAsync(new Llr.Finance.V1.GetFinancialYearRequest { Name = "financialYears/2021-22" }, With(after));
                break;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unauthenticated && DateTime.UtcNow < deadline)
            {
                await Task.Delay(500, TestContext.Current.CancellationToken);
            }
        }
        await finance.GetFinancialYearAsync(new Llr.Finance.V1.GetFinancialYearRequest { Name = "financialYears/2021-22" }, With(before));
    }

    /// <summary>A token just issued, not one kept from before (TestTokens keeps each until near its expiry).</summary>
    private async Task<string> FreshTokenAsync()
    {
        using var tokens = new TestTokens(platform.Endpoint("identity", "http"), PlatformFixture.TestClient,
            Path.Combine(platform.StateDirectory, "identity", "clients", $"{PlatformFixture.TestClient}.secret"));
        return await tokens.TokenAsync("finance.read");
    }

    private static string KeyId(string token) =>
        System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0])).RootElement.GetProperty("kid").GetString()!;

    private static CallOptions With(string token) =>
        new(new Metadata { { "Authorization", "Bearer " + token } }, DateTime.UtcNow.AddSeconds(30), TestContext.Current.CancellationToken);
}
