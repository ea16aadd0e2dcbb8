using System.Text;
using Platform.Domain.Errors;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>
/// AIP-158 pagination. The token is opaque to callers: it carries the last key returned and a fingerprint of the
/// query's other parameters, so a token cannot be replayed against a different query (INVALID_ARGUMENT, not a wrong page).
/// Keyset rather than offset, so pages stay stable while rows are added.
/// </summary>
public static class PageTokens
{
    /// <param name="Fingerprint">The query's other parameters, which a token is only valid for.</param>
    public sealed record Page(int Size, string? After, string Fingerprint);

    public static Page Read(int pageSize, string pageToken, string queryFingerprint, int defaultSize, int maxSize, Validation validation)
    {
        if (pageSize < 0) validation.Add("page_size", "must not be negative.");
        var size = pageSize == 0 ? defaultSize : Math.Min(pageSize, maxSize);
        if (string.IsNullOrEmpty(pageToken)) return new Page(size, null, queryFingerprint);

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
            var separator = decoded.IndexOf('\n');
            if (separator > 0 && decoded[..separator] == queryFingerprint) return new Page(size, decoded[(separator + 1)..], queryFingerprint);
        }
        catch (FormatException)
        {
            // Falls through to the violation below.
        }
        validation.Add("page_token", "is not a token this query returned; start again without a token.");
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
        hasMore && lastKey is not null ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{queryFingerprint}\n{lastKey}")) : "";
}
