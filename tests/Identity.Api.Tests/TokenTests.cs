using System.Net;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Platform.Testing;
using Shouldly;

namespace Identity.Api.Tests;

/// <summary>Tokens as a service's JwtBearer sees them: issuer, audiences, scopes, client, lifetime and signature.</summary>
public sealed class TokenTests(IdentityServiceFixture fixture)
{
    [Fact]
    public async Task A_token_names_its_issuer_audiences_scopes_and_client_and_verifies_against_the_JWKS()
    {
        var before = DateTimeOffset.UtcNow;
        var token = await fixture.TokenAsync("practices.read", "finance.claims.write", "finance.read");

        var result = await Verify(token, await fixture.Keys());

        result.IsValid.ShouldBeTrue(result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        jwt.Issuer.ShouldBe(fixture.Issuer.AbsoluteUri);
        jwt.Audiences.ShouldBe(["finance", "practices"], ignoreOrder: true);
        jwt.GetClaim("scope").Value.Split(' ').ShouldBe(["finance.claims.write", "finance.read", "practices.read"], ignoreOrder: true);
        jwt.GetClaim("client_id").Value.ShouldBe(PlatformFixture.TestClient);
        jwt.Subject.ShouldBe(PlatformFixture.TestClient);
        // The default lifetime, 15 minutes.
        jwt.ValidTo.ShouldBe(before.UtcDateTime.AddMinutes(15), TimeSpan.FromMinutes(1));
        jwt.Kid.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_client_asking_for_no_scope_gets_all_of_its_own()
    {
        var token = new JsonWebToken(await fixture.TokenAsync());

        token.GetClaim("scope").Value.Split(' ').ShouldBe(Platform.AppHost.PlatformTopology.AllScopes, ignoreOrder: true);
        token.Audiences.ShouldBe(["finance", "practices"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_developer_client_gets_a_token_with_its_secret_from_the_state_folder()
    {
        var secret = await File.ReadAllTextAsync(Path.Combine(fixture.StateDirectory, "identity", "clients", "developer.secret"));
        File.GetUnixFileMode(Path.Combine(fixture.StateDirectory, "identity", "clients", "developer.secret"))
            .ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        using var response = await fixture.Tokens.RequestAsync("developer", secret, "practices.write");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var token = await AccessToken(response);
        token.GetClaim("client_id").Value.ShouldBe("developer");
        token.Audiences.ShouldBe(["practices"]);
    }

    [Fact]
    public async Task The_finance_client_may_read_the_registry_and_nothing_else()
    {
        var secret = await fixture.SecretOf("finance");

        using var allowed = await fixture.Tokens.RequestAsync("finance", secret, "practices.read");
        using var refused = await fixture.Tokens.RequestAsync("finance", secret, "practices.write");

        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        await OAuthAssert.RefusedAsync(refused, "invalid_scope");
    }

    internal static async Task<JsonWebToken> AccessToken(HttpResponseMessage response) =>
        new(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["access_token"]!.GetValue<string>());

    internal static Task<TokenValidationResult> Verify(string token, JsonWebKeySet keys, string? issuer = null) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateIssuer = issuer is not null,
            ValidateAudience = false,
            IssuerSigningKeys = keys.GetSigningKeys(),
        });
}
