namespace Identity.Api.Application;

/// <summary>A client as configured under <c>Identity:Clients:&lt;clientId&gt;</c>.</summary>
public sealed record ClientOptions(string ClientId, IReadOnlyList<string> Scopes, string SecretFile, TimeSpan? AccessTokenLifetime);

/// <summary>Where operators ask for a signing-key change, and how old the newest key may grow.</summary>
public sealed record SigningKeyOptions(TimeSpan RotateAfter, string? RotateRequestFile, string? RetireRequestFile);

/// <summary>
/// The token service's configuration (<c>Identity:*</c>), read and checked once at start so that a mistake stops the
/// start with a message naming the setting, rather than surfacing as a refused token later.
/// </summary>
public sealed record TokenServiceOptions(
    Uri Issuer, TimeSpan AccessTokenLifetime, SigningKeyOptions SigningKeys, IReadOnlyList<ClientOptions> Clients)
{
    public const string Section = "Identity";

    /// <summary>What validators allow between clocks (JwtBearer's default is 5 minutes).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The files whose presence asks for a rotation or a retirement at the next start.</summary>
    public const string RotateRequestName = "rotate-signing-key";
    public const string RetireRequestName = "retire-signing-keys";

    /// <summary>The longest a token of any client lives: how long a superseded key must stay published.</summary>
    public TimeSpan LongestTokenLifetime =>
        Clients.Select(client => client.AccessTokenLifetime ?? AccessTokenLifetime).Append(AccessTokenLifetime).Max();

    public static TokenServiceOptions From(IConfiguration configuration)
    {
        var section = configuration.GetSection(Section);
        var issuer = section["Issuer"] is { Length: > 0 } configured && Uri.TryCreate(configured, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(
                "Identity:Issuer must be the token service's absolute URL, as the services are told it (the AppHost sets it).");
        var keys = section.GetSection("SigningKeys");
        var requests = keys["RequestDirectory"];
        return new TokenServiceOptions(
            issuer,
            Positive(section, "AccessTokenLifetime", TimeSpan.FromMinutes(15)),
            new SigningKeyOptions(
                Positive(keys, "RotateAfter", TimeSpan.FromDays(90)),
                requests is null ? null : Path.Combine(requests, RotateRequestName),
                requests is null ? null : Path.Combine(requests, RetireRequestName)),
            [.. section.GetSection("Clients").GetChildren().Select(Client)]);
    }

    private static ClientOptions Client(IConfigurationSection client)
    {
        var scopes = client.GetSection("Scopes").Get<string[]>() ?? [];
        var unknown = scopes.Where(scope => !PlatformScopes.IsKnown(scope)).ToList();
        if (scopes.Length == 0 || unknown.Count > 0)
        {
            throw new InvalidOperationException($"{client.Path}:Scopes must list scopes among {string.Join(", ", PlatformScopes.All)}"
                + (unknown.Count > 0 ? $"; {string.Join(", ", unknown)} is not one." : "; it lists none."));
        }

        var secretFile = client["SecretFile"] is { Length: > 0 } file
            ? file
            : throw new InvalidOperationException($"{client.Path}:SecretFile must name the file holding the client's secret.");
        TimeSpan? lifetime = client["AccessTokenLifetime"] is null ? null : Positive(client, "AccessTokenLifetime", default);
        return new ClientOptions(client.Key, [.. scopes.Distinct(StringComparer.Ordinal)], secretFile, lifetime);
    }

    private static TimeSpan Positive(IConfigurationSection section, string key, TimeSpan fallback)
    {
        var value = section.GetValue(key, fallback);
        return value > TimeSpan.Zero ? value : throw new InvalidOperationException($"{section.Path}:{key} must be a positive time span (hh:mm:ss).");
    }
}
