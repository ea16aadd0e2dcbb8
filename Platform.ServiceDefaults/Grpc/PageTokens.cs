using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Platform.Domain.Errors;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// AIP-158 pagination. The token is opaque to callers and verifiable by the service: it carries the last key returned,
/// signed (HMAC-SHA256) together with a fingerprint of the query's other parameters. So a token the service did not
/// issue, one altered by a single bit, or one replayed against a different query is INVALID_ARGUMENT, never a wrong
/// page. Keyset rather than offset, so pages stay stable while rows are added.
/// </summary>
public static class PageTokens
{
    /// <summary>The configuration key of the signing key; without one a service makes a random key at start.</summary>
    public const string SigningKeySetting = "PageTokens:SigningKey";

    /// <summary>A file holding the signing key: how the AppHost passes it, so it never shows among environment variables.</summary>
    public const string SigningKeyFileSetting = "PageTokens:SigningKeyFile";

    /// <summary>The signer every List RPC uses, set once at start by AddServiceDefaults from <see cref="SigningKeySetting"/>.</summary>
    public static PageTokenSigner Signer { get; set; } = PageTokenSigner.WithRandomKey();

    /// <param name="Fingerprint">The query's other parameters, which a token is only valid for.</param>
    public sealed record Page(int Size, string? After, string Fingerprint);

    public const string InvalidTokenDescription = "is not a token this query returned (it was altered, made up, or belongs to another query); start again without a token.";

    public static Page Read(int pageSize, string pageToken, string queryFingerprint, int defaultSize, int maxSize, Validation validation)
    {
        if (pageSize < 0) validation.Add("page_size", "must not be negative.");
        var size = pageSize == 0 ? defaultSize : Math.Min(pageSize, maxSize);
        if (string.IsNullOrEmpty(pageToken)) return new Page(size, null, queryFingerprint);
        if (Signer.TryOpen(pageToken, queryFingerprint, out var after)) return new Page(size, after, queryFingerprint);
        validation.Add("page_token", InvalidTokenDescription);
        return new Page(size, null, queryFingerprint);
    }

    /// <summary>A page of an ordered list: the items after the token's key, and the token for the page after them.</summary>
    public static (IReadOnlyList<T> Items, string NextPageToken) Paginate<T>(IReadOnlyList<T> ordered, Func<T, string> key, Page page)
    {
        var remaining = page.After is null ? ordered : ordered.SkipWhile(item => string.CompareOrdinal(key(item), page.After) <= 0).ToList();
        var items = remaining.Take(page.Size).ToList();
        return (items, Next(page.Fingerprint, items.Count > 0 ? key(items[^1]) : null, hasMore: remaining.Count > page.Size));
    }

    /// <summary>The token for the page after <paramref name="lastKey"/>, or "" when this page was the last.</summary>
    public static string Next(string queryFingerprint, string? lastKey, bool hasMore) =>
        hasMore && lastKey is not null ? Signer.Issue(queryFingerprint, lastKey) : "";
}

/// <summary>
/// Issues and opens page tokens: base64url of a version byte, the last key returned, and an HMAC-SHA256 over the
/// version, the query's fingerprint and the key. The fingerprint is signed but not carried, so a token is only valid
/// for the query it came from.
/// </summary>
public sealed class PageTokenSigner
{
    private const byte Version = 1;
    private const int MacLength = 32; // HMAC-SHA256
    /// <summary>Far above any token issued (keys are ids and dates); longer input is refused before it is decoded.</summary>
    public const int MaxTokenLength = 1024;
    public const int MinKeyLength = 32;

    private readonly byte[] _key;

    public PageTokenSigner(byte[] key)
    {
        if (key.Length < MinKeyLength) throw new ArgumentException($"A page-token signing key needs at least {MinKeyLength} bytes.", nameof(key));
        _key = key.ToArray();
    }

    /// <summary>A key from configuration: its UTF-8 bytes (the AppHost gives 64 hex digits).</summary>
    public static PageTokenSigner FromSetting(string key) => new(Encoding.UTF8.GetBytes(key));

    /// <summary>A key of this process only: its tokens stop verifying when it restarts.</summary>
    public static PageTokenSigner WithRandomKey() => new(RandomNumberGenerator.GetBytes(MinKeyLength));

    public string Issue(string queryFingerprint, string lastKey)
    {
        var payload = Payload(lastKey);
        return Base64Url.EncodeToString([.. payload, .. Mac(queryFingerprint, payload)]);
    }

    /// <summary>The last key a token carries, when this signer issued it for this query and it is unaltered.</summary>
    public bool TryOpen(string token, string queryFingerprint, out string lastKey)
    {
        lastKey = "";
        if (token.Length > MaxTokenLength || !Base64Url.IsValid(token)) return false;
        var bytes = Base64Url.DecodeFromChars(token);
        if (bytes.Length < 1 + MacLength || bytes[0] != Version) return false;
        var payload = bytes[..^MacLength];
        if (!CryptographicOperations.FixedTimeEquals(bytes.AsSpan(^MacLength), Mac(queryFingerprint, payload))) return false;
        lastKey = Encoding.UTF8.GetString(payload.AsSpan(1));
        return true;
    }

    private static byte[] Payload(string lastKey) => [Version, .. Encoding.UTF8.GetBytes(lastKey)];

    private byte[] Mac(string queryFingerprint, byte[] payload)
    {
        // Length-prefixed, so no fingerprint and key can be cut differently into the same bytes.
        var fingerprint = Encoding.UTF8.GetBytes(queryFingerprint);
        byte[] signed = [.. BitConverter.GetBytes(fingerprint.Length), .. fingerprint, .. payload];
        return HMACSHA256.HashData(_key, signed);
    }
}
