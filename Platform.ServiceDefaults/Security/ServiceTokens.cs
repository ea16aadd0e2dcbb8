using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Grpc.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Access tokens for this service's own calls to other services, by the client-credentials grant as its own client
/// (<c>Identity:Client:Id</c>, its secret read from the file <c>Identity:Client:SecretFile</c>; the AppHost gives each
/// calling service a client of its own with only the scopes it needs). The token endpoint is the one the token service's
/// discovery document names, fetched with the keys. Each set of scopes is asked for once and kept until a minute before
/// it expires.
/// </summary>
public sealed class ServiceTokens(IConfiguration configuration, IOptionsMonitor<JwtBearerOptions> bearer, IHttpClientFactory http)
{
    public const string ClientIdSetting = "Identity:Client:Id";
    public const string SecretFileSetting = "Identity:Client:SecretFile";
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt)> _tokens = new(StringComparer.Ordinal);

    public async Task<string> TokenAsync(IReadOnlyCollection<string> scopes, CancellationToken cancellationToken)
    {
        var key = string.Join(' ', scopes.Order(StringComparer.Ordinal));
        if (_tokens.TryGetValue(key, out var kept) && kept.RenewAt > DateTimeOffset.UtcNow) return kept.Token;

        var clientId = configuration[ClientIdSetting] is { Length: > 0 } id
            ? id
            : throw new InvalidOperationException($"{ClientIdSetting} is not set: this service has no client of its own to call other services with.");
        var secretFile = configuration[SecretFileSetting] is { Length: > 0 } file
            ? file
            : throw new InvalidOperationException($"{SecretFileSetting} is not set: it names the file holding this service's client secret.");
        var discovery = await bearer.Get(JwtBearerDefaults.AuthenticationScheme).ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        using var response = await http.CreateClient(nameof(ServiceTokens)).PostAsync(discovery.TokenEndpoint, new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = (await File.ReadAllTextAsync(secretFile, cancellationToken)).Trim(),
                ["scope"] = key,
            }), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            // The body is the token service's OAuth error (error, error_description), never a secret.
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"The token service refused this service's client {clientId} ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}"));
        }
        var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(cancellationToken))!;
        _tokens[key] = (token.AccessToken, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(token.ExpiresIn) - RenewBefore);
        return token.AccessToken;
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("expires_in")] int ExpiresIn);
}

public static class ServiceTokenExtensions
{
    /// <summary>
    /// Every call of this gRPC client carries a token of this service's own client with <paramref name="scopes"/>.
    /// </summary>
    public static IHttpClientBuilder WithServiceToken(this IHttpClientBuilder client, params string[] scopes)
    {
        client.Services.AddHttpClient(nameof(ServiceTokens));
        client.Services.AddSingleton<ServiceTokens>();
        return client
            .AddCallCredentials(async (context, metadata, services) =>
                metadata.Add("Authorization", "Bearer " + await services.GetRequiredService<ServiceTokens>().TokenAsync(scopes, context.CancellationToken)))
            // The platform's services call each other over plain HTTP/2 on 127.0.0.1 (or a cluster's private network);
            // grpc-dotnet sends call credentials only over TLS unless told that this is intended.
            .ConfigureChannel(channel => channel.UnsafeUseInsecureChannelCallCredentials = true);
    }
}
