using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Who each recently validated token showed the caller to be, so that a client's calls do not each check its token's
/// signature again: a client sends the same token for its whole lifetime (15 minutes by default), and checking it was
/// a good part of what a read cost. An entry counts only while the token has not expired (with the same clock skew
/// validation allows) and only while the service holds the same signing keys it had when the token was checked: any
/// fetch of the keys (a rotation, a retirement, the periodic refresh) sends every token through validation again. Only
/// tokens that passed are kept, under their full text.
/// </summary>
internal sealed class ValidatedTokens(TimeSpan clockSkew)
{
    /// <summary>Beyond this many entries the expired ones go, and if that is not enough, all of them.</summary>
    private const int Capacity = 10_000;

    private static readonly object KeysSeenKey = new();

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    private sealed record Entry(ClaimsPrincipal Principal, DateTimeOffset Until, object Keys);

    /// <summary>Before validation: a token that passed with the keys held now and has not expired passes again.</summary>
    public async Task OnMessageReceivedAsync(MessageReceivedContext context)
    {
        if (BearerToken(context.Request) is not { } token || await CurrentKeysAsync(context) is not { } keys) return;
        context.HttpContext.Items[KeysSeenKey] = keys;
        if (!_entries.TryGetValue(token, out var entry)) return;
        if (ReferenceEquals(entry.Keys, keys) && Now(context.Options) < entry.Until)
        {
            context.Principal = entry.Principal;
            context.Success();
            return;
        }

        _entries.TryRemove(KeyValuePair.Create(token, entry));
    }

    /// <summary>After a token passed: kept, tied to the keys held before it was checked.</summary>
    public Task OnTokenValidatedAsync(TokenValidatedContext context)
    {
        if (context.SecurityToken is not JsonWebToken jwt || context.Principal is not { } principal
            || context.HttpContext.Items[KeysSeenKey] is not { } keys) return Task.CompletedTask;

        var now = Now(context.Options);
        if (_entries.Count >= Capacity)
        {
            foreach (var (token, entry) in _entries)
            {
                if (entry.Until <= now) _entries.TryRemove(KeyValuePair.Create(token, entry));
            }
            if (_entries.Count >= Capacity) _entries.Clear();
        }

        _entries[jwt.EncodedToken] = new Entry(principal, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero) + clockSkew, keys);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The keys as the handler will see them. When they cannot be had (the token service unreachable) the token goes
    /// through validation, which reports that as it always has.
    /// </summary>
    private static async Task<object?> CurrentKeysAsync(MessageReceivedContext context)
    {
        if (context.Options.ConfigurationManager is not { } manager) return null;
        try
        {
            return await manager.GetConfigurationAsync(context.HttpContext.RequestAborted);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    /// <summary>The token as JwtBearer reads it: the Authorization header's value after "Bearer ".</summary>
    private static string? BearerToken(HttpRequest request)
    {
        const string Scheme = "Bearer ";
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header[Scheme.Length..].Trim() is { Length: > 0 } token
            ? token
            : null;
    }

    private static DateTimeOffset Now(JwtBearerOptions options) => (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
}
