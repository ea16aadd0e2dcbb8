using System.Security.Claims;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Identity.Api.Application;

/// <summary>
/// Issues the access token of a client-credentials request, once OpenIddict has authenticated the client: the scopes
/// asked for (all the client's own when it asks for none), their services as audiences (<c>practices.read</c> gives
/// <c>aud: practices</c>), and the client's id as <c>client_id</c> and <c>sub</c>. A scope the client was not given
/// is <c>invalid_scope</c>, the error RFC 6749 (5.2) names for it.
/// </summary>
public sealed partial class ClientCredentialsGrant(IOpenIddictApplicationManager applications, ILogger<ClientCredentialsGrant> logger)
    : IOpenIddictServerHandler<HandleTokenRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<HandleTokenRequestContext>()
            .UseScopedHandler<ClientCredentialsGrant>()
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(HandleTokenRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The only grant the server allows; any other was refused as unsupported_grant_type before this.
        if (!context.Request.IsClientCredentialsGrantType()) return;

        var clientId = context.ClientId!;
        var application = await applications.FindByClientIdAsync(clientId, context.CancellationToken);
        if (application is null)
        {
            context.Reject(Errors.InvalidClient, "The client is not known.");
            return;
        }

        var given = (await applications.GetPermissionsAsync(application, context.CancellationToken))
            .Where(permission => permission.StartsWith(Permissions.Prefixes.Scope, StringComparison.Ordinal))
            .Select(permission => permission[Permissions.Prefixes.Scope.Length..])
            .ToHashSet(StringComparer.Ordinal);
        var requested = context.Request.GetScopes();
        var notGiven = requested.Where(scope => !given.Contains(scope)).Order(StringComparer.Ordinal).ToList();
        if (notGiven.Count > 0)
        {
            context.Reject(Errors.InvalidScope, $"Client {clientId} was not given the scope(s) {string.Join(' ', notGiven)}.");
            return;
        }

        var scopes = (requested.IsEmpty ? [.. given] : requested).Order(StringComparer.Ordinal).ToList();
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, clientId).SetClaim(Claims.ClientId, clientId);
        identity.SetScopes(scopes);
        identity.SetResources(scopes.Select(PlatformScopes.AudienceOf).Distinct(StringComparer.Ordinal));
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        context.SignIn(new ClaimsPrincipal(identity));
        // Who was given what, for SREs following a call (never the token itself).
        LogIssued(clientId, string.Join(' ', scopes));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Access token issued to client {ClientId} for scopes {Scopes}")]
    private partial void LogIssued(string clientId, string scopes);
}
