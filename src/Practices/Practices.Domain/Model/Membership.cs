namespace Practices.Domain.Model;

/// <summary>
/// A practice's membership of a PCN over an inclusive date range; <see cref="To"/> is null while it continues.
/// A practice belongs to at most one PCN on any date.
/// </summary>
public sealed record Membership(string PracticeId, string PcnId, DateOnly From, DateOnly? To, MembershipReason Reason)
{
    public bool Covers(DateOnly date) => From <= date && (To is not { } to || date <= to);

    /// <summary>The days on which this membership changes what the registry says: its first, and the day after its last.</summary>
    public IEnumerable<DateOnly> ChangeDates => To is { } to ? [From, to.AddDays(1)] : [From];
}

public enum MembershipReason
{
    /// <summary>Loaded from the source documents.</summary>
    Seed = 1,
    Transfer = 2,
}
