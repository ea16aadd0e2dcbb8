using System.Net;
using Platform.Testing;
using Shouldly;

namespace Identity.Api.Tests;

/// <summary>What the token endpoint refuses, each with the OAuth error RFC 6749 (5.2) names for it, never a 500.</summary>
public sealed class RefusalTests(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task A_wrong_secret_is_invalid_client()
    {
        using var response = await fixture.Tokens.RequestAsync(PlatformFixture.TestClient, new string('0', 64), "practices.read");

        await OAuthAssert.RefusedAsync(response, "invalid_client");
    }

    [Fact]
    public async Task An_unknown_client_is_invalid_client()
    {
        using var response = await fixture.Tokens.RequestAsync("nobody", await fixture.SecretOf("developer"), "practices.read");

        await OAuthAssert.RefusedAsync(response, "invalid_client");
    }

    [Fact]
    public async Task A_scope_the_client_was_not_given_is_invalid_scope_and_so_is_one_no_service_declares()
    {
        var secret = await fixture.SecretOf(IdentityServiceFixture.ShortLivedClient);

        using var notGiven = await fixture.Tokens.RequestAsync(IdentityServiceFixture.ShortLivedClient, secret, "practices.read", "finance.read");
        using var unknown = await fixture.Tokens.RequestAsync(PlatformFixture.TestClient, await fixture.SecretOf(PlatformFixture.TestClient), "practices.delete");

        await OAuthAssert.RefusedAsync(notGiven, "invalid_scope");
        await OAuthAssert.RefusedAsync(unknown, "invalid_scope");
    }

    [Theory]
    [InlineData("password", "unsupported_grant_type")]
    [InlineData("authorization_code", "unsupported_grant_type")]
    [InlineData("refresh_token", "unsupported_grant_type")]
    [InlineData("urn:ietf:params:oauth:grant-type:device_code", "unsupported_grant_type")]
    [InlineData("made-up", "unsupported_grant_type")]
    [InlineData("", "invalid_request")]
    public async Task Other_grants_are_refused(string grantType, string error)
    {
        using var response = await fixture.Tokens.PostAsync(new Dictionary<string, string>
        {
            ["grant_type"] = grantType,
            ["client_id"] = PlatformFixture.TestClient,
            ["client_secret"] = (await fixture.SecretOf(PlatformFixture.TestClient)).Trim(),
            ["username"] = "someone",
            ["password"] = "something",
            ["code"] = "a-code",
            ["refresh_token"] = "a-token",
        });

        await OAuthAssert.RefusedAsync(response, error);
    }

    [Fact]
    public async Task A_request_without_client_credentials_is_refused()
    {
        using var response = await fixture.Tokens.PostAsync(new Dictionary<string, string> { ["grant_type"] = "client_credentials" });

        ((int)response.StatusCode).ShouldBeLessThan(500);
        response.StatusCode.ShouldBeOneOf([HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized]);
    }

    [Fact]
    public async Task A_client_configured_with_a_short_lifetime_gets_tokens_that_live_that_long()
    {
        var secret = await fixture.SecretOf(IdentityServiceFixture.ShortLivedClient);
        using var response = await fixture.Tokens.RequestAsync(IdentityServiceFixture.ShortLivedClient, secret, "practices.read");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = await TokenTests.AccessToken(response);

        (token.ValidTo - token.IssuedAt).ShouldBe(TimeSpan.FromMinutes(1));
    }
}
