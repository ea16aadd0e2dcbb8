namespace Practices.Domain.Model;

/// <summary>
/// A GP practice. <see cref="Id"/> is the registry's own id (every practice has one); <see cref="OdsCode"/> is the
/// national code, known only where a document gives it. <see cref="Version"/> changes on every write to the practice
/// and is what detects concurrent writes.
/// </summary>
public sealed record Practice(
    string Id,
    string? OdsCode,
    string Name,
    IReadOnlyList<string> BranchSites,
    DateOnly? ClosedOn,
    string? SuccessorId,
    long Version)
{
    /// <summary>Open on a date: not yet closed, or closing later.</summary>
    public bool IsOpenOn(DateOnly date) => ClosedOn is not { } closed || date < closed;

    public string ETag => $"\"{Version}\"";
}
