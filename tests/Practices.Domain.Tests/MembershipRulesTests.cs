using Platform.Domain.Errors;
using Practices.Domain.Model;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

public class MembershipRulesTests
{
    private static readonly DateOnly TransferDate = new(2024, 4, 1);

    [Fact]
    public void A_transfer_ends_the_current_membership_the_day_before_and_starts_the_new_one_on_the_date()
    {
        var plan = MembershipRules.PlanTransfer(Practice("LLR001"), [Member("LLR001", "a")], CommissionedBy("LLR001"), Pcn("b"), TransferDate);

        plan.Ended.ShouldBe(Member("LLR001", "a", to: new DateOnly(2024, 3, 31)));
        plan.Started.ShouldBe(new Membership("LLR001", "b", TransferDate, null, MembershipReason.Transfer));
        plan.FromPcnId.ShouldBe("a");
    }

    [Fact]
    public void After_a_transfer_the_practice_is_in_exactly_one_pcn_on_every_date()
    {
        var plan = MembershipRules.PlanTransfer(Practice("LLR001"), [Member("LLR001", "a")], CommissionedBy("LLR001"), Pcn("b"), TransferDate);
        Membership[] history = [plan.Ended!, plan.Started];

        MembershipRules.MembershipOn(history, TransferDate.AddDays(-1))!.PcnId.ShouldBe("a");
        MembershipRules.MembershipOn(history, TransferDate)!.PcnId.ShouldBe("b");
        MembershipRules.MembershipOn(history, PcnsStarted.AddDays(-1)).ShouldBeNull();
    }

    [Fact]
    public void A_practice_with_no_membership_on_the_date_simply_joins()
    {
        var plan = MembershipRules.PlanTransfer(Practice("LLR001"), [], CommissionedBy("LLR001"), Pcn("b"), TransferDate);

        plan.Ended.ShouldBeNull();
        plan.Started.PcnId.ShouldBe("b");
    }

    [Fact]
    public void Moving_to_the_pcn_it_is_already_in_is_refused()
    {
        var error = Should.Throw<RuleViolationException>(() =>
            MembershipRules.PlanTransfer(Practice("LLR001"), [Member("LLR001", "a")], CommissionedBy("LLR001"), Pcn("a"), TransferDate));
        error.Rule.ShouldBe("ALREADY_A_MEMBER");
    }

    [Fact]
    public void History_is_never_rewritten_a_transfer_before_the_latest_change_is_refused()
    {
        var history = new[] { Member("LLR001", "a", to: TransferDate.AddDays(-1)), new Membership("LLR001", "b", TransferDate, null, MembershipReason.Transfer) };

        Should.Throw<RuleViolationException>(() => MembershipRules.PlanTransfer(Practice("LLR001"), history, CommissionedBy("LLR001"), Pcn("c"), TransferDate.AddDays(-10)))
            .Rule.ShouldBe("HISTORY_IS_APPEND_ONLY");
        Should.Throw<RuleViolationException>(() => MembershipRules.PlanTransfer(Practice("LLR001"), history, CommissionedBy("LLR001"), Pcn("c"), TransferDate))
            .Rule.ShouldBe("HISTORY_IS_APPEND_ONLY");
    }

    [Fact]
    public void A_closed_practice_cannot_move()
    {
        Should.Throw<RuleViolationException>(() =>
                MembershipRules.PlanTransfer(Practice("LLR001", closedOn: TransferDate), [Member("LLR001", "a", to: TransferDate.AddDays(-1))], CommissionedBy("LLR001"), Pcn("b"), TransferDate))
            .Rule.ShouldBe("PRACTICE_CLOSED");
    }

    [Fact]
    public void A_practice_is_open_until_the_day_it_closes()
    {
        var practice = Practice("LLR001", closedOn: TransferDate);

        practice.IsOpenOn(TransferDate.AddDays(-1)).ShouldBeTrue();
        practice.IsOpenOn(TransferDate).ShouldBeFalse();
    }

    [Fact]
    public void A_transfer_into_a_pcn_of_another_ccg_is_refused_naming_the_boundary_rule()
    {
        var refusal = Should.Throw<RuleViolationException>(() =>
            MembershipRules.PlanTransfer(Practice("LLR126"), [Member("LLR126", "a")], CommissionedBy("LLR126", Ccg.LeicesterCity),
                Pcn("county", Ccg.WestLeicestershire), TransferDate));

        refusal.Rule.ShouldBe(CommissionerRules.Rule);
        refusal.Message.ShouldContain("004:325-327");
    }

    [Fact]
    public void A_transfer_into_a_pcn_before_it_began_is_refused()
    {
        Should.Throw<RuleViolationException>(() =>
                MembershipRules.PlanTransfer(Practice("LLR001"), [], CommissionedBy("LLR001"), Pcn("b"), PcnsStarted.AddDays(-1)))
            .Rule.ShouldBe("PCN_NOT_STARTED");
    }

    [Fact]
    public void A_transfer_before_a_merge_closed_the_practice_is_refused_since_it_would_outlive_the_closure()
    {
        var history = new[] { Member("LLR001", "a", to: TransferDate.AddDays(30)) };

        Should.Throw<RuleViolationException>(() =>
                MembershipRules.PlanTransfer(Practice("LLR001", closedOn: TransferDate.AddDays(31)), history, CommissionedBy("LLR001"), Pcn("b"), TransferDate))
            .Rule.ShouldBe("HISTORY_IS_APPEND_ONLY");
    }
}
