using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;

namespace Identity.Api.Tests;

/// <summary>What a validator reads: the discovery document, and the JWKS it points to.</summary>
public static class Discovery
{
    public static async Task<JsonNode> DocumentAsync(this IdentityServiceFixture fixture)
    {
        using var http = new HttpClient { BaseAddress = fixture.Issuer, Timeout = TimeSpan.FromSeconds(30) };
        return (await http.GetFromJsonAsync<JsonNode>(".well-known/openid-configuration", TestContext.Current.CancellationToken))!;
    }

    /// <summary>The JWKS, or null while identity does not answer (it is restarting).</summary>
    public static async Task<JsonWebKeySet?> KeysOrNone(this IdentityServiceFixture fixture)
    {
        try
        {
            return await fixture.Keys();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    public static async Task<JsonWebKeySet> Keys(this IdentityServiceFixture fixture)
    {
        var jwksUri = (await fixture.DocumentAsync())["jwks_uri"]!.GetValue<string>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        return new JsonWebKeySet(await http.GetStringAsync(jwksUri, TestContext.Current.CancellationToken));
    }
}
