using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>Rules about list-size snapshots and practice codes that hold whatever the API.</summary>
public static class ListSizeRules
{
    /// <summary>
    /// A list size may not be recorded for a date on which the practice was closed: nobody is registered with a
    /// practice that no longer exists.
    /// </summary>
    public static void EnsureCanRecord(Practice practice, DateOnly asAt) =>
        PracticeChecks.EnsureOpenOn(practice, asAt, "it has no list on");

    /// <summary>
    /// A practice's size as at a date: its latest snapshot on or before it (one a later date records does not count yet).
    /// </summary>
    public static ListSizeSnapshot? LatestOn(IEnumerable<ListSizeSnapshot> history, DateOnly date) =>
        history.Where(size => size.AsAt <= date).MaxBy(size => size.AsAt);
}

public static class OdsCodes
{
    /// <summary>A GP practice's ODS code: a letter then five digits (C82037, Y02686).</summary>
    public static bool IsValidPracticeCode(string code) =>
        code.Length == 6 && char.IsAsciiLetterUpper(code[0]) && code.Skip(1).All(char.IsAsciiDigit);
}
