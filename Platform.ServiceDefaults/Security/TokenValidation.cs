using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Every service accepts OAuth 2.0 access tokens (JWTs) from the platform's token service, validated by ASP.NET Core's
/// JwtBearer handler: the signature with the keys the token service's discovery document publishes, the issuer that
/// document names, this service's audience, and the lifetime with a small clock skew. Validation only establishes who
/// is calling (<c>HttpContext.User</c>); <see cref="ScopeEnforcement"/> decides what they may call.
/// </summary>
public static class TokenValidation
{
    public const string AuthoritySetting = "Identity:Authority";
    public const string AudienceSetting = "Identity:Audience";
    public const string ClockSkewSetting = "Identity:ClockSkew";
    public const string KeyRefreshIntervalSetting = "Identity:KeyRefreshInterval";

    /// <summary>
    /// Clocks of the token service and this service may differ a little; more tolerance would keep an expired token
    /// working for longer.
    /// </summary>
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The shortest time between two fetches of the signing keys that a token with an unknown key id (<c>kid</c>)
    /// triggers. A rotated key is picked up by the first call that uses it (that call is refused, the next ones
    /// pass once the keys are fetched), while a flood of tokens with made-up key ids costs at most one fetch per
    /// interval. (The handler's own default, 5 minutes, would refuse a rotated key's tokens for that long.)
    /// </summary>
    public static readonly TimeSpan DefaultKeyRefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>How stale the published keys may be: a retired key is trusted for at most this long after.</summary>
    public static readonly TimeSpan KeysFetchedAtLeastEvery = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Tokens longer than this are refused without being parsed. The token service's access tokens are about a
    /// kilobyte; one with every scope of every service stays well under this.
    /// </summary>
    public const int MaxTokenLength = 16 * 1024;

    /// <summary>Asymmetric signatures only: a token "signed" with HMAC (say, with the public key as its secret) or none is refused.</summary>
    private static readonly string[] AcceptedAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>The client's id, as the token service puts it in every access token.</summary>
    public const string ClientIdClaim = "client_id";

    public static TBuilder AddTokenValidation<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var authority = Required(configuration, AuthoritySetting, "the token service's URL (the AppHost sets it for every service)");
        var audience = Required(configuration, AudienceSetting, "this service's name as the token service writes it in `aud`, e.g. practices");
        if (!Uri.TryCreate(authority, UriKind.Absolute, out var authorityUri) || authorityUri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"{AuthoritySetting} is '{authority}': set it to the token service's http(s) URL.");
        var clockSkew = Duration(configuration, ClockSkewSetting, DefaultClockSkew, allowZero: true);
        var keyRefreshInterval = Duration(configuration, KeyRefreshIntervalSetting, DefaultKeyRefreshInterval, allowZero: false);

        var validated = new ValidatedTokens(clockSkew);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.Authority = authority;
            options.Audience = audience;
            // Metadata over plain http only where the authority itself is http: the platform on one machine, where the
            // token service listens on 127.0.0.1. An https authority keeps the handler's default (https required).
            options.RequireHttpsMetadata = authorityUri.Scheme == Uri.UriSchemeHttps;
            // Claims as the token service wrote them (client_id, scope), not renamed to WS-Federation URIs.
            options.MapInboundClaims = false;
            options.IncludeErrorDetails = false;
            options.RefreshOnIssuerKeyNotFound = true;
            options.RefreshInterval = keyRefreshInterval;
            // Keys are also fetched again this often whatever the tokens say, so a key the token service retires stops
            // being trusted within it (the handler's default is 12 hours).
            options.AutomaticRefreshInterval = KeysFetchedAtLeastEvery;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ClockSkew = clockSkew,
                ValidAlgorithms = AcceptedAlgorithms,
                NameClaimType = ClientIdClaim,
            };
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    var header = context.Request.Headers.Authorization.ToString();
                    if (header.Length > MaxTokenLength + "Bearer ".Length)
                    {
                        context.Fail(new TokenTooLongException());
                        return Task.CompletedTask;
                    }
                    return validated.OnMessageReceivedAsync(context);
                },
                OnTokenValidated = validated.OnTokenValidatedAsync,
            };
        });
        // After JwtBearer's own post-configuration, which creates the configuration manager that fetches the keys.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            // IdentityModel keeps validating with the keys it fetched before ("last known good", for an hour) when a
            // token fails with the current ones. A key the token service stops publishing (as after a compromise) must
            // stop being trusted at the next fetch, so that fallback is off; a rotation publishes the old key beside the new
            // one for as long as its tokens live.
            if (options.ConfigurationManager is BaseConfigurationManager manager) manager.UseLastKnownGoodConfiguration = false;
        });
        return builder;
    }

    /// <summary>The scopes an authenticated caller's token grants: OAuth's space-separated <c>scope</c>, as one claim or several.</summary>
    public static IReadOnlySet<string> Scopes(this ClaimsPrincipal user) =>
        user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(claim => claim.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>The calling client's id, or null for a caller without a valid token.</summary>
    public static string? ClientId(this ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true ? user.FindFirst(ClientIdClaim)?.Value ?? user.FindFirst("sub")?.Value : null;

    private static string Required(IConfiguration configuration, string setting, string what) =>
        configuration[setting] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{setting} is not set: set it (environment {setting.Replace(":", "__", StringComparison.Ordinal)}) to {what}. "
                + "Without it this service could not check who calls it, so it does not start.");

    private static TimeSpan Duration(IConfiguration configuration, string setting, TimeSpan fallback, bool allowZero)
    {
        if (configuration[setting] is not { Length: > 0 } text) return fallback;
        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) || value < TimeSpan.Zero
            || (value == TimeSpan.Zero && !allowZero))
            throw new InvalidOperationException($"{setting} is '{text}': set it to a duration such as 00:00:30.");
        return value;
    }
}

/// <summary>A bearer token over <see cref="TokenValidation.MaxTokenLength"/>, refused unread.</summary>
public sealed class TokenTooLongException() : AuthenticationFailureException("The access token is too long.");
