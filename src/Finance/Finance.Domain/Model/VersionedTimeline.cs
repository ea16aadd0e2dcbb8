namespace Finance.Domain.Model;

/// <summary>
/// Which part of a PCN's timeline from the registry still stands against what Finance already holds.
/// </summary>
/// <remarks>
/// The registry serialises the writes touching a PCN and gives each a higher version. A write's timeline of version v
/// from date D states the PCN on every date from D, so on any date the answer is the highest version whose timeline
/// starts on or before it. A newer timeline's rows begin at its own start date; so an incoming timeline stands from its
/// first date until the first date a newer row holds, and nowhere if a newer row holds its first date or an earlier one.
/// </remarks>
public static class VersionedTimeline
{
    /// <param name="from">The incoming timeline's first date.</param>
    /// <param name="newerDates">The dates of the rows Finance holds for the PCN with a higher version.</param>
    /// <returns>Null when the timeline is wholly superseded; else the first date it stands and the date it stops (null: for ever).</returns>
    public static (DateOnly From, DateOnly? Until)? StandingWindow(DateOnly from, IReadOnlyCollection<DateOnly> newerDates)
    {
        if (newerDates.Any(date => date <= from)) return null;
        return (from, newerDates.Count == 0 ? null : newerDates.Min());
    }
}
