using Platform.Domain.Errors;
using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>
/// Refusals several rules share, so each is raised with one code, one resource name and one message shape whichever
/// write runs into it; the callers supply only the part of the message that says what was refused.
/// </summary>
internal static class PracticeChecks
{
    /// <summary>
    /// Refuses (PRACTICE_CLOSED) anything on a date the practice is closed. <paramref name="refusal"/> completes
    /// "Practice X closed on D; …" and is followed by the date, e.g. "it has no list on".
    /// </summary>
    public static void EnsureOpenOn(Practice practice, DateOnly date, string refusal)
    {
        if (!practice.IsOpenOn(date))
            throw new RuleViolationException("PRACTICE_CLOSED", $"practices/{practice.Id}",
                $"Practice {practice.Id} closed on {practice.ClosedOn:yyyy-MM-dd}; {refusal} {date:yyyy-MM-dd}.");
    }

    /// <summary>
    /// Refuses (HISTORY_IS_APPEND_ONLY) a change taking effect on <paramref name="effectiveFrom"/> when the practice's
    /// history already changes on that date or later (a membership starts, or one ends, as a merge ends a
    /// predecessor's): history may be extended, never rewritten. <paramref name="message"/> describes the refusal given
    /// the date of the first such change.
    /// </summary>
    public static void EnsureAppendOnly(Practice practice, IEnumerable<Membership> history, DateOnly effectiveFrom, Func<DateOnly, string> message)
    {
        var changes = history.SelectMany(membership => membership.ChangeDates);
        if (changes.Where(day => day >= effectiveFrom).Order().FirstOrDefault() is var later && later != default)
            throw new RuleViolationException("HISTORY_IS_APPEND_ONLY", $"practices/{practice.Id}", message(later));
    }
}
