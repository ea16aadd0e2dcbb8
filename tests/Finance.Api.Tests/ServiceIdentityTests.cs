using Shouldly;

namespace Finance.Api.Tests;

/// <summary>
/// Finance reads the registry (its first copy of the populations) as its own client of the token service, which may
/// only read the registry: never anonymously, never with a shared all-powerful client. Until the registry checks
/// tokens, the token service's record of what it issued shows it.
/// </summary>
public sealed class ServiceIdentityTests(FinanceServiceFixture finance)
{
    [Fact]
    public async Task Finance_asks_the_token_service_for_a_registry_read_token_as_its_own_client()
    {
        var issued = await finance.ConsoleLineAsync("identity",
            line => line.Contains("Access token issued to client finance", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        var obtained = await finance.ConsoleLineAsync("finance",
            line => line.Contains("Access token obtained for client finance", StringComparison.Ordinal), TimeSpan.FromSeconds(30));

        issued.ShouldEndWith("for scopes practices.read");
        obtained.ShouldContain("with scopes practices.read");
    }
}
