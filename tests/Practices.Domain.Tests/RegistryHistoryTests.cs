using Practices.Domain.Model;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

/// <summary>The registry on each date of a range, read from one load of its history (what a write's timeline uses).</summary>
public class RegistryHistoryTests
{
    private static readonly DateOnly Moved = new(2024, 4, 1);
    private static readonly DateOnly Resized = new(2024, 6, 1);

    private static readonly RegistryHistory History = new(
        [Member("LLR001", "a", to: Moved.AddDays(-1)), new Membership("LLR001", "b", Moved, null, MembershipReason.Transfer), Member("LLR002", "a")],
        [.. CommissionedBy("LLR001"), .. CommissionedBy("LLR002")],
        [Size("LLR001", 5000), Size("LLR001", 5200, asAt: Resized), Size("LLR002", 3000)]);

    [Fact]
    public void Each_date_has_the_memberships_covering_it()
    {
        History.MembershipsOn(Moved.AddDays(-1)).Select(membership => (membership.PracticeId, membership.PcnId))
            .ShouldBe([("LLR001", "a"), ("LLR002", "a")]);
        History.MembershipsOn(Moved).Select(membership => (membership.PracticeId, membership.PcnId))
            .ShouldBe([("LLR001", "b"), ("LLR002", "a")]);
    }

    [Fact]
    public void Each_date_has_each_practices_latest_size_on_or_before_it()
    {
        History.LatestSizesOn(Resized.AddDays(-1))["LLR001"].RegisteredPatients.ShouldBe(5000);
        History.LatestSizesOn(Resized)["LLR001"].RegisteredPatients.ShouldBe(5200);
        History.LatestSizesOn(Resized)["LLR002"].RegisteredPatients.ShouldBe(3000);
        History.LatestSizesOn(new DateOnly(2019, 1, 1)).ShouldBeEmpty();
    }

    [Fact]
    public void Each_date_has_the_commissions_covering_it()
    {
        History.CommissionsOn(Moved).Select(commission => commission.PracticeId).ShouldBe(["LLR001", "LLR002"]);
        History.CommissionsOn(new DateOnly(2019, 1, 1)).ShouldBeEmpty();
    }

    [Fact]
    public void The_change_dates_are_every_start_day_after_an_end_size_and_closure_after_the_date_in_order()
    {
        var closed = Practice("LLR002", closedOn: new DateOnly(2025, 1, 1));

        History.ChangeDatesAfter(new DateOnly(2024, 1, 1), [Practice("LLR001"), closed])
            .ShouldBe([Moved, Resized, new DateOnly(2025, 1, 1)]);
        History.ChangeDatesAfter(Moved, [closed]).ShouldBe([Resized, new DateOnly(2025, 1, 1)]);
    }
}
