using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using Platform.Testing;
using Shouldly;

namespace Identity.Api.Tests;

/// <summary>
/// What identity applies when it starts: the clients as configured now, and the signing keys an operator asked to
/// rotate or retire (the AppHost's commands). Each test restarts identity.
/// </summary>
public sealed class RestartTests(IdentityServiceFixture fixture)
{
    private const string Client = "reports";

    [Fact]
    public async Task A_client_added_changed_or_removed_in_the_configuration_is_so_after_a_restart()
    {
        var configuration = fixture.AppHostConfiguration;
        configuration[$"Identity:Clients:{Client}:Scopes:0"] = "finance.read";
        await RestartIdentity();
        var secret = await fixture.SecretOf(Client);

        using (var added = await fixture.Tokens.RequestAsync(Client, secret, "finance.read"))
        {
            added.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await TokenTests.AccessToken(added)).Audiences.ShouldBe(["finance"]);
        }

        configuration[$"Identity:Clients:{Client}:Scopes:0"] = "practices.read";
        await RestartIdentity();
        using (var changed = await fixture.Tokens.RequestAsync(Client, secret, "practices.read"))
        using (var withdrawn = await fixture.Tokens.RequestAsync(Client, secret, "finance.read"))
        {
            changed.StatusCode.ShouldBe(HttpStatusCode.OK);
            await OAuthAssert.RefusedAsync(withdrawn, "invalid_scope");
        }

        configuration[$"Identity:Clients:{Client}:Scopes:0"] = null;
        await RestartIdentity();
        using (var removed = await fixture.Tokens.RequestAsync(Client, secret, "practices.read"))
        {
            await OAuthAssert.RefusedAsync(removed, "invalid_client");
        }
    }

    [Fact]
    public async Task After_a_rotation_new_tokens_carry_the_new_kid_and_old_ones_verify_until_the_old_key_is_retired()
    {
        var before = await FreshToken();
        (await fixture.Keys()).Keys.Select(key => key.Kid).ShouldBe([before.Kid]);

        await RunCommand("rotate-signing-key");
        var after = (await Eventually.Until(FreshTokenOrNone, token => token is not null && token.Kid != before.Kid,
            "a token signed with a new key"))!;
        var keys = await fixture.Keys();
        keys.Keys.Select(key => key.Kid).ShouldBe([after.Kid, before.Kid]);
        (await TokenTests.Verify(before.EncodedToken, keys, fixture.Issuer.AbsoluteUri)).IsValid.ShouldBeTrue();
        (await TokenTests.Verify(after.EncodedToken, keys, fixture.Issuer.AbsoluteUri)).IsValid.ShouldBeTrue();

        await RunCommand("retire-signing-keys");
        keys = await Eventually.Until(fixture.KeysOrNone, set => set?.Keys.Count == 1, "the old key gone from the JWKS");
        keys!.Keys.Single().Kid.ShouldBe(after.Kid);
        (await TokenTests.Verify(before.EncodedToken, keys, fixture.Issuer.AbsoluteUri)).IsValid.ShouldBeFalse();
        (await TokenTests.Verify(after.EncodedToken, keys, fixture.Issuer.AbsoluteUri)).IsValid.ShouldBeTrue();
        (await FreshToken()).Kid.ShouldBe(after.Kid);
    }

    /// <summary>A token just issued, or none while identity is restarting.</summary>
    private async Task<JsonWebToken?> FreshTokenOrNone()
    {
        try
        {
            return await FreshToken();
        }
        catch (Exception exception) when (exception is HttpRequestException or ShouldAssertException)
        {
            return null;
        }
    }

    /// <summary>A token just issued (not one the fixture kept).</summary>
    private async Task<JsonWebToken> FreshToken()
    {
        using var response = await fixture.Tokens.RequestAsync(PlatformFixture.TestClient, await fixture.SecretOf(PlatformFixture.TestClient), "practices.read");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await TokenTests.AccessToken(response);
    }

    private async Task RestartIdentity()
    {
        await fixture.StopAsync("identity", TestContext.Current.CancellationToken);
        await fixture.StartAsync("identity", TestContext.Current.CancellationToken);
    }

    /// <summary>Runs one of identity's commands in the AppHost (as from the dashboard); they restart it.</summary>
    private async Task RunCommand(string command)
    {
        await fixture.RunRestartingCommandAsync("identity", command, TestContext.Current.CancellationToken);
    }
}
