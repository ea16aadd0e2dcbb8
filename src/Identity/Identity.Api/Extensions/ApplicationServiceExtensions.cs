using Identity.Api.Application;
using Identity.Api.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using OpenIddict.Server;
using Platform.Data;
using Platform.Data.Migrations;

namespace Identity.Api.Extensions;

public static class ApplicationServiceExtensions
{
    /// <summary>
    /// The token service: OpenIddict's server for the client-credentials grant (token endpoint, discovery, JWKS), its
    /// applications in the service's own database, its signing keys there too.
    /// </summary>
    public static IHostApplicationBuilder AddApplicationServices(this IHostApplicationBuilder builder)
    {
        var options = TokenServiceOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);

        builder.AddNpgsqlDataSource("identitydb");
        // OpenIddict's tables and the signing keys' table, by the platform's migrations (DbUp, journalled), not by EF.
        builder.AddMigrations(typeof(ApplicationServiceExtensions).Assembly);
        builder.Services.AddDbContext<IdentityDbContext>((services, db) =>
        {
            db.UseNpgsql(services.GetRequiredService<NpgsqlDataSource>());
            db.UseOpenIddict();
        });

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SigningKeyStore>();
        builder.Services.AddSingleton<SigningKeys>();
        builder.Services.AddScoped<ClientRegistrations>();

        builder.Services.AddOpenIddict()
            .AddCore(core => core.UseEntityFrameworkCore().UseDbContext<IdentityDbContext>())
            .AddServer(server =>
            {
                server.SetIssuer(options.Issuer);
                server.SetTokenEndpointUris("connect/token");
                server.AllowClientCredentialsFlow();
                server.RegisterScopes([.. PlatformScopes.All]);
                // ClientCredentialsGrant checks the client's scopes itself, answering invalid_scope as RFC 6749 says.
                server.IgnoreScopePermissions();
                server.SetAccessTokenLifetime(options.AccessTokenLifetime);
                // Plain JWTs (typ at+jwt) that every service's JwtBearer verifies with the JWKS alone.
                server.DisableAccessTokenEncryption();
                // Client-credentials tokens are self-contained and never revoked one by one: storing each would only
                // grow a table.
                server.DisableTokenStorage();
                // OpenIddict wants an encryption key even though nothing issued here is encrypted (no codes, no
                // refresh tokens); one made per process suffices.
                server.AddEphemeralEncryptionKey();
                server.AddEventHandler(ClientCredentialsGrant.Descriptor);
                server.AddEventHandler(PublishedKeysHandler.Descriptor);
                server.UseAspNetCore()
                    // Plain HTTP locally: a deployment terminates TLS in front of the service, as for every service
                    // here. Tokens and secrets then cross only the loopback interface.
                    .DisableTransportSecurityRequirement();
            });

        // The newest key signs; it is loaded from the database at start (PrepareTokenServiceAsync), before any request.
        builder.Services.AddOptions<OpenIddictServerOptions>().Configure<SigningKeys>((server, keys) =>
            server.SigningCredentials.Add(new SigningCredentials(keys.Signing, SecurityAlgorithms.RsaSha256)));
        return builder;
    }

    /// <summary>The signing keys (rotated or retired as due or asked), then the clients as configured.</summary>
    public static async Task PrepareTokenServiceAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        await app.Services.GetRequiredService<SigningKeys>().PrepareAsync(cancellationToken);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ClientRegistrations>().ApplyAsync(cancellationToken);
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        // OpenIddict serves /connect/token, /.well-known/openid-configuration and /.well-known/jwks itself.
        app.UseAuthentication();
        return app;
    }
}
