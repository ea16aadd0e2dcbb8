using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Platform.Testing;

/// <summary>
/// Access tokens for tests, from the running token service by the client-credentials grant, as any caller gets them:
/// for the fixture's own client (<see cref="PlatformFixture.TestClient"/>, given every scope), asking for exactly the
/// scopes a test names. Each set of scopes is asked for once and kept until a minute before it expires.
/// </summary>
public sealed class TestTokens(Uri identity, string clientId, string secretFile) : IDisposable
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private readonly HttpClient _http = new() { BaseAddress = identity, Timeout = TimeSpan.FromSeconds(30) };
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new();

    /// <summary>A token carrying exactly <paramref name="scopes"/> (all of the test client's, when none are named).</summary>
    public async Task<string> TokenAsync(params string[] scopes)
    {
        var key = string.Join(' ', scopes.Order(StringComparer.Ordinal));
        if (_tokens.TryGetValue(key, out var kept) && kept.RenewAt > DateTimeOffset.UtcNow) return kept.Token;
        var response = await RequestAsync(clientId, await File.ReadAllTextAsync(secretFile), scopes);
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>())!;
        _tokens[key] = (token.AccessToken, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(token.ExpiresIn) - RenewBefore);
        return token.AccessToken;
    }

    /// <summary>The token endpoint's raw answer to a client-credentials request, for tests of the token service itself.</summary>
    public Task<HttpResponseMessage> RequestAsync(string client, string secret, params string[] scopes) =>
        PostAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client,
            ["client_secret"] = secret.Trim(),
            ["scope"] = string.Join(' ', scopes),
        });

    /// <summary>Any form posted to the token endpoint.</summary>
    public Task<HttpResponseMessage> PostAsync(IReadOnlyDictionary<string, string> form) =>
        _http.PostAsync("connect/token", new FormUrlEncodedContent(form), TestContext.Current.CancellationToken);

    public void Dispose() => _http.Dispose();

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}
