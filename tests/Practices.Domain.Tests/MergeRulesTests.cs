using Platform.Domain.Errors;
using Practices.Domain.Model;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

public class MergeRulesTests
{
    private static readonly DateOnly MergeDate = new(2024, 10, 1);

    private static MergePlan Plan(Practice successor, Practice[] predecessors, Dictionary<string, ListSizeSnapshot?> sizes, params Membership[] memberships) =>
        MergeRules.Plan(successor, predecessors,
            predecessors.Prepend(successor).ToDictionary(p => p.Id, p => (IReadOnlyList<Membership>)memberships.Where(m => m.PracticeId == p.Id).ToList()),
            predecessors.Prepend(successor).ToDictionary(p => p.Id, p => CommissionedBy(p.Id, p.Id == "COUNTY" ? Ccg.WestLeicestershire : Ccg.LeicesterCity)),
            new Dictionary<string, Pcn> { ["a"] = Pcn("a"), ["b"] = Pcn("b") },
            predecessors.Prepend(successor).ToDictionary(p => p.Id,
                p => (IReadOnlyList<ListSizeSnapshot>)(sizes.GetValueOrDefault(p.Id) is { } size ? [size] : [])),
            MergeDate);

    [Fact]
    public void Predecessors_close_on_the_merge_date_their_membership_ends_the_day_before_and_the_successor_takes_their_patients()
    {
        var plan = Plan(Practice("S", ods: "C82001"), [Practice("P1"), Practice("P2")],
            new() { ["S"] = Size("S", 5_000), ["P1"] = Size("P1", 3_000), ["P2"] = Size("P2", 2_000) },
            Member("S", "a"), Member("P1", "a"), Member("P2", "b"));

        plan.Successor.OdsCode.ShouldBe("C82001");
        plan.ClosedPredecessors.ShouldAllBe(p => p.ClosedOn == MergeDate && p.SuccessorId == "S");
        plan.EndedMemberships.Select(m => (m.PracticeId, m.To)).ShouldBe([("P1", MergeDate.AddDays(-1)), ("P2", MergeDate.AddDays(-1))]);
        plan.SuccessorListSize!.RegisteredPatients.ShouldBe(10_000);
        plan.SuccessorListSize.AsAt.ShouldBe(MergeDate);
    }

    [Fact]
    public void When_no_merging_practice_size_is_known_no_merged_size_is_invented()
    {
        var plan = Plan(Practice("S"), [Practice("P1")], new() { ["S"] = null, ["P1"] = null }, Member("S", "a"), Member("P1", "b"));

        plan.SuccessorListSize.ShouldBeNull();
    }

    [Fact]
    public void When_only_some_merging_practice_sizes_are_known_the_merge_is_refused_since_their_patients_would_vanish()
    {
        Should.Throw<RuleViolationException>(() =>
                Plan(Practice("S"), [Practice("P1")], new() { ["S"] = Size("S", 5_000), ["P1"] = null }, Member("S", "a"), Member("P1", "a")))
            .Rule.ShouldBe("MERGED_LIST_SIZE_UNKNOWN");
    }

    [Fact]
    public void A_merge_before_a_list_size_already_recorded_is_refused()
    {
        Should.Throw<RuleViolationException>(() =>
                Plan(Practice("S"), [Practice("P1")], new() { ["S"] = Size("S", 5_000, asAt: MergeDate), ["P1"] = Size("P1", 100) },
                    Member("S", "a"), Member("P1", "a")))
            .Rule.ShouldBe("HISTORY_IS_APPEND_ONLY");
    }

    [Fact]
    public void A_predecessor_commissioned_by_another_ccg_cannot_merge_into_a_practice_of_another_ccgs_pcn()
    {
        Should.Throw<RuleViolationException>(() =>
                Plan(Practice("S"), [Practice("COUNTY")], new() { ["S"] = null, ["COUNTY"] = null }, Member("S", "a"), Member("COUNTY", "b")))
            .Rule.ShouldBe(CommissionerRules.Rule);
    }

    [Fact]
    public void A_closed_practice_cannot_take_part()
    {
        Should.Throw<RuleViolationException>(() =>
                Plan(Practice("S"), [Practice("P1", closedOn: MergeDate.AddDays(-5))], new(), Member("S", "a")))
            .Rule.ShouldBe("PRACTICE_CLOSED");
    }

    [Fact]
    public void The_successor_must_belong_to_a_pcn_on_the_merge_date()
    {
        Should.Throw<RuleViolationException>(() => Plan(Practice("S"), [Practice("P1")], new(), Member("P1", "a")))
            .Rule.ShouldBe("SUCCESSOR_NOT_IN_A_PCN");
    }
}
