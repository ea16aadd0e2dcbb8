using Finance.Domain.Model;

namespace Finance.Domain.ClosedYears;

/// <summary>
/// Which lines of a closed year a change would alter. The caller recomputes the lines the change touched (as the
/// year's allocation would be if it were open) and gives, for the same PCNs, the published lines and what each line
/// was last found to be owed. Every amount is already to the penny (<see cref="Money"/>), so a change is recorded
/// when it moves a line by a penny or more, and only then.
/// </summary>
public static class PriorYearAdjustments
{
    /// <param name="published">The published lines of the PCNs the change touched.</param>
    /// <param name="owedSoFar">The latest adjustment's should-have-been amount of each of those lines that has one.</param>
    /// <param name="recomputed">The same PCNs' lines as they would be now.</param>
    public static IReadOnlyList<PriorYearAdjustment> For(
        FinancialYear year,
        IReadOnlyDictionary<LineKey, LineFigures> published,
        IReadOnlyDictionary<LineKey, decimal> owedSoFar,
        IReadOnlyDictionary<LineKey, LineFigures> recomputed,
        AdjustmentCause cause)
    {
        // A line published but no longer computed (the PCN has no population on the reference date any more) is owed
        // nothing; a line computed but never published (a PCN that appeared since) was paid nothing.
        // A rate set moves its own stream's lines only: another line found changed is not this change's doing.
        return published.Keys.Union(recomputed.Keys)
            .Where(key => cause.RateStreamId is null || key.StreamId == cause.RateStreamId)
            .OrderBy(key => key.PcnId, StringComparer.Ordinal)
            .ThenBy(key => key.StreamId, StringComparer.Ordinal)
            .Select(key =>
            {
                var paid = published.GetValueOrDefault(key) ?? Nothing(recomputed[key]);
                var now = recomputed.GetValueOrDefault(key) ?? Nothing(paid);
                var before = owedSoFar.TryGetValue(key, out var owed) ? owed : paid.Amount;
                return now.Amount == before ? null : new PriorYearAdjustment(year, key, paid, before, now, cause);
            })
            .OfType<PriorYearAdjustment>()
            .ToList();
    }

    /// <summary>No patients at the line's rate and factor: the line of a PCN that was not there.</summary>
    private static LineFigures Nothing(LineFigures like) => like with { Population = 0, Amount = 0m };
}
