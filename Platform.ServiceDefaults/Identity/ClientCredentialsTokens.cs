using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// A service's own client of the token service (<c>Identity:Client:Id</c>, its secret in the file
/// <c>Identity:Client:SecretFile</c>), as the AppHost configures it.
/// </summary>
public sealed record ClientCredentialsOptions(Uri Authority, string ClientId, string SecretFile)
{
    /// <summary>The options, or null when the service was given no client (run without the AppHost).</summary>
    public static ClientCredentialsOptions? From(IConfiguration configuration) =>
        configuration["Identity:Authority"] is { Length: > 0 } authority
        && configuration["Identity:Client:Id"] is { Length: > 0 } clientId
        && configuration["Identity:Client:SecretFile"] is { Length: > 0 } secretFile
            ? new ClientCredentialsOptions(new Uri(authority.TrimEnd('/') + "/"), clientId, secretFile)
            : null;
}

/// <summary>
/// Access tokens of the service's own client, by the client-credentials grant against the token endpoint named in the
/// token service's discovery document. Each set of scopes is asked for once and kept until shortly before it expires
/// (a tenth of its lifetime, at least 30 s, before), so calls carry a token without a round trip to identity each.
/// The secret is read from its file at each request, so a new secret needs no restart.
/// </summary>
public sealed partial class ClientCredentialsTokens(
    IHttpClientFactory httpClients, ClientCredentialsOptions options, TimeProvider time, ILogger<ClientCredentialsTokens> logger)
{
    public const string HttpClientName = "identity-tokens";
    private static readonly TimeSpan MinimumRenewal = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Lazy<Task<KeptToken>>> _tokens = new(StringComparer.Ordinal);
    private Uri? _tokenEndpoint;

    public string ClientId => options.ClientId;

    /// <summary>A token of the client carrying <paramref name="scopes"/>, kept or new.</summary>
    public async Task<string> TokenAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', scopes.Order(StringComparer.Ordinal));
        while (true)
        {
            // One request at a time per set of scopes; a failed one is forgotten, so the next call asks again.
            var kept = _tokens.GetOrAdd(key, _ => new Lazy<Task<KeptToken>>(() => RequestAsync(key, CancellationToken.None)));
            KeptToken token;
            try
            {
                token = await kept.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<KeptToken>>>(key, kept));
                throw;
            }

            if (token.RenewAt > time.GetUtcNow()) return token.AccessToken;
            _tokens.TryRemove(new KeyValuePair<string, Lazy<Task<KeptToken>>>(key, kept));
        }
    }

    private async Task<KeptToken> RequestAsync(string scopes, CancellationToken cancellationToken)
    {
        using var http = httpClients.CreateClient(HttpClientName);
        _tokenEndpoint ??= await TokenEndpointAsync(http, cancellationToken);
        var secret = (await File.ReadAllTextAsync(options.SecretFile, cancellationToken)).Trim();
        using var response = await http.PostAsync(_tokenEndpoint, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = options.ClientId,
            ["client_secret"] = secret,
            ["scope"] = scopes,
        }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The OAuth error names what is wrong (invalid_client, invalid_scope); it never holds the secret.
            throw new HttpRequestException(
                $"The token service refused client {options.ClientId} ({scopes}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}",
                null, response.StatusCode);
        }

        var answer = (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))!;
        var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn);
        var renewAt = time.GetUtcNow() + lifetime - TimeSpan.FromTicks(Math.Max(lifetime.Ticks / 10, MinimumRenewal.Ticks));
        LogTokenObtained(options.ClientId, scopes, lifetime);
        return new KeptToken(answer.AccessToken, renewAt);
    }

    private async Task<Uri> TokenEndpointAsync(HttpClient http, CancellationToken cancellationToken)
    {
        var discovery = await http.GetFromJsonAsync<DiscoveryDocument>(
            new Uri(options.Authority, ".well-known/openid-configuration"), cancellationToken);
        return discovery?.TokenEndpoint ?? throw new InvalidOperationException($"{options.Authority} publishes no token_endpoint.");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access token obtained for client {ClientId} with scopes {Scopes}, valid for {Lifetime}")]
    private partial void LogTokenObtained(string clientId, string scopes, TimeSpan lifetime);

    private sealed record KeptToken(string AccessToken, DateTimeOffset RenewAt);

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);

    private sealed record DiscoveryDocument([property: JsonPropertyName("token_endpoint")] Uri? TokenEndpoint);
}
