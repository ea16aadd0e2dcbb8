using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// A stand-in for the platform's token service, for testing ServiceDefaults on its own: it publishes an OpenID
/// discovery document and its signing keys over HTTP on a port of its own, as the real one does, and signs access tokens
/// with RS256. The tests can rotate its key and sign tokens the real one never would (expired, for another audience).
/// </summary>
public sealed class StandInAuthority : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile RsaSecurityKey _signingKey = NewKey();

    private StandInAuthority(WebApplication app) => _app = app;

    public string Url { get; private set; } = "";

    /// <summary>The issuer, as the discovery document names it.</summary>
    public string Issuer => Url;

    public RsaSecurityKey SigningKey => _signingKey;

    /// <summary>How many times the signing keys were fetched.</summary>
    public int KeyFetches;

    public static async Task<StandInAuthority> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var authority = new StandInAuthority(app);
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = authority.Issuer,
            ["jwks_uri"] = authority.Url + ".well-known/jwks",
        }));
        app.MapGet("/.well-known/jwks", () =>
        {
            Interlocked.Increment(ref authority.KeyFetches);
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(authority._signingKey.Rsa.ExportParameters(false))
            {
                KeyId = authority._signingKey.KeyId,
            });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await app.StartAsync();
        authority.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/";
        return authority;
    }

    /// <summary>Signs with a new key from now on, and publishes only that one.</summary>
    public void RotateKey() => _signingKey = NewKey();

    /// <summary>An access token as the token service issues it: for the audience, with the scopes, valid for the lifetime.</summary>
    public string Issue(string audience, IEnumerable<string> scopes, TimeSpan? lifetime = null, string clientId = "test-client",
        DateTime? notBefore = null, string? issuer = null, SecurityKey? key = null, string algorithm = SecurityAlgorithms.RsaSha256)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(5));
        var issuedAt = notBefore ?? now;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = issuedAt < expires ? issuedAt : expires.AddMinutes(-1),
            NotBefore = issuedAt < expires ? issuedAt : expires.AddMinutes(-1),
            Expires = expires,
            TokenType = "at+jwt",
            Subject = new ClaimsIdentity([new Claim("client_id", clientId), new Claim("sub", clientId), new Claim("scope", string.Join(' ', scopes))]),
            SigningCredentials = new SigningCredentials(key ?? _signingKey, algorithm),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static RsaSecurityKey NewKey() => new(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString("N") };
}
