using System.Globalization;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Identity.Api.Application;

/// <summary>
/// Makes OpenIddict's applications match <c>Identity:Clients</c> at start: a configured client is added, or has its
/// scopes, secret and token lifetime brought up to date; an application no longer configured is removed, so it gets no
/// new token (those already issued live until they expire). Each client's secret is read from its file, never from
/// configuration itself.
/// </summary>
public sealed partial class ClientRegistrations(
    IOpenIddictApplicationManager applications, TokenServiceOptions options, ILogger<ClientRegistrations> logger)
{
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        foreach (var client in options.Clients)
        {
            var secret = ReadSecret(client);
            var descriptor = Descriptor(client, secret);
            var existing = await applications.FindByClientIdAsync(client.ClientId, cancellationToken);
            if (existing is null)
            {
                await applications.CreateAsync(descriptor, cancellationToken);
                LogClientAdded(client.ClientId, string.Join(' ', client.Scopes));
            }
            else
            {
                // The secret is only ever stored hashed; re-hashing it each start is the simple way to apply a new one.
                await applications.UpdateAsync(existing, descriptor, cancellationToken);
                LogClientUpdated(client.ClientId, string.Join(' ', client.Scopes));
            }
        }

        var configured = options.Clients.Select(client => client.ClientId).ToHashSet(StringComparer.Ordinal);
        var stale = new List<object>();
        await foreach (var application in applications.ListAsync(count: null, offset: null, cancellationToken))
        {
            if (!configured.Contains(await applications.GetClientIdAsync(application, cancellationToken) ?? "")) stale.Add(application);
        }

        foreach (var application in stale)
        {
            var clientId = await applications.GetClientIdAsync(application, cancellationToken);
            await applications.DeleteAsync(application, cancellationToken);
            LogClientRemoved(clientId);
        }
    }

    private static string ReadSecret(ClientOptions client)
    {
        if (!File.Exists(client.SecretFile))
        {
            throw new InvalidOperationException($"Identity:Clients:{client.ClientId}:SecretFile: no file at {client.SecretFile}.");
        }

        // Short secrets can be guessed; the AppHost makes 256-bit ones.
        var secret = File.ReadAllText(client.SecretFile).Trim();
        return secret.Length >= 32
            ? secret
            : throw new InvalidOperationException($"The secret of client {client.ClientId} ({client.SecretFile}) is shorter than 32 characters.");
    }

    private static OpenIddictApplicationDescriptor Descriptor(ClientOptions client, string secret)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = client.ClientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = client.ClientId,
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials]);
        descriptor.Permissions.UnionWith(client.Scopes.Select(scope => Permissions.Prefixes.Scope + scope));
        if (client.AccessTokenLifetime is { } lifetime)
        {
            descriptor.Settings[Settings.TokenLifetimes.AccessToken] = lifetime.ToString("c", CultureInfo.InvariantCulture);
        }
        return descriptor;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} added with scopes {Scopes}")]
    private partial void LogClientAdded(string clientId, string scopes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} brought up to date: scopes {Scopes}")]
    private partial void LogClientUpdated(string clientId, string scopes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Client {ClientId} removed: it is no longer configured")]
    private partial void LogClientRemoved(string? clientId);
}
