namespace Identity.Api.Application;

/// <summary>
/// The scopes the platform's services declare (issue 10's contract), and the audience each belongs to: the service
/// named before the first dot (<c>finance.claims.write</c> is Finance's), which is that service's AppHost resource name.
/// </summary>
public static class PlatformScopes
{
    public static readonly IReadOnlyList<string> All =
    [
        "practices.read", "practices.write", "practices.audit",
        "finance.read", "finance.claims.write", "finance.rates.write", "finance.years.write", "finance.audit",
    ];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>The service a token for <paramref name="scope"/> is meant for: its <c>aud</c>.</summary>
    public static string AudienceOf(string scope) => scope[..scope.IndexOf('.', StringComparison.Ordinal)];
}
