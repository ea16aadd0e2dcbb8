using Practices.Domain.Model;

namespace Practices.Domain.Rules;

/// <summary>
/// The memberships, commissions and list sizes that matter on a range of dates, and what they say on each date of it:
/// who belongs where (<see cref="Membership.Covers"/>), who commissions whom, and each practice's latest size
/// (<see cref="ListSizeRules.LatestOn"/>). Loading the range once and reading every date from it is what lets a write
/// describe a PCN on all its later change dates without going back to the database for each.
/// </summary>
/// <remarks>
/// The caller gives every row that can apply on a date of the range: each membership and commission overlapping it, and
/// each practice's size history from its latest size on or before the range's first day.
/// </remarks>
public sealed class RegistryHistory
{
    private readonly IReadOnlyList<Membership> _memberships;
    private readonly IReadOnlyList<Commission> _commissions;
    private readonly ILookup<string, ListSizeSnapshot> _sizesByPractice;

    public RegistryHistory(
        IReadOnlyList<Membership> memberships, IReadOnlyList<Commission> commissions, IReadOnlyList<ListSizeSnapshot> sizes)
    {
        _memberships = memberships;
        _commissions = commissions;
        _sizesByPractice = sizes.ToLookup(size => size.PracticeId);
    }

    public IReadOnlyList<Membership> MembershipsOn(DateOnly date) =>
        _memberships.Where(membership => membership.Covers(date)).ToList();

    public IReadOnlyList<Commission> CommissionsOn(DateOnly date) =>
        _commissions.Where(commission => commission.Covers(date)).ToList();

    /// <summary>Each practice's latest size on or before the date, by practice id (practices with none are left out).</summary>
    public IReadOnlyDictionary<string, ListSizeSnapshot> LatestSizesOn(DateOnly date)
    {
        var sizes = new Dictionary<string, ListSizeSnapshot>();
        foreach (var practice in _sizesByPractice)
            if (ListSizeRules.LatestOn(practice, date) is { } latest) sizes[practice.Key] = latest;
        return sizes;
    }

    /// <summary>
    /// Every date after <paramref name="date"/> on which a membership starts or ends, a list size takes effect or one
    /// of <paramref name="practices"/> closes, oldest first: the only dates on which a PCN's figures can change.
    /// </summary>
    public IReadOnlyList<DateOnly> ChangeDatesAfter(DateOnly date, IEnumerable<Practice> practices) => _memberships
        .SelectMany(membership => membership.ChangeDates)
        .Concat(_sizesByPractice.SelectMany(sizes => sizes).Select(size => size.AsAt))
        .Concat(practices.Select(practice => practice.ClosedOn).OfType<DateOnly>())
        .Where(day => day > date)
        .Distinct()
        .Order()
        .ToList();
}
