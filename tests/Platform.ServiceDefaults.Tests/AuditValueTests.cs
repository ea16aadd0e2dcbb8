using Platform.Data.Audit;
using Shouldly;

namespace Platform.ServiceDefaults.Tests;

/// <summary>What a record keeps of a caller's value: all of a normal one, a bounded prefix of a huge one, never a NUL.</summary>
public sealed class AuditValueTests
{
    [Fact]
    public void An_ordinary_value_is_kept_as_sent() => AuditStore.Bounded("practices/LLR080").ShouldBe("practices/LLR080");

    [Fact]
    public void A_huge_value_keeps_its_first_characters_and_says_it_was_cut()
    {
        var kept = AuditStore.Bounded(new string('x', 40_000));

        kept.ShouldBe(new string('x', AuditStore.MaxValueLength) + "…");
    }

    [Fact]
    public void A_cut_never_splits_a_surrogate_pair()
    {
        var kept = AuditStore.Bounded(new string('x', AuditStore.MaxValueLength - 1) + "😀😀");

        kept.ShouldBe(new string('x', AuditStore.MaxValueLength - 1) + "…");
    }

    [Fact]
    public void A_nul_which_postgresql_text_cannot_hold_becomes_the_replacement_character() =>
        AuditStore.Bounded("a\0b").ShouldBe("a\uFFFDb");

    [Fact]
    public void Outcomes_are_the_status_code_names_both_ways()
    {
        AuditOutcomes.NameOf(Google.Rpc.Code.FailedPrecondition).ShouldBe("FAILED_PRECONDITION");
        AuditOutcomes.Accepted.ShouldBe("OK");
        AuditOutcomes.CodeOf("PERMISSION_DENIED").ShouldBe(Google.Rpc.Code.PermissionDenied);
        AuditOutcomes.CodeOf("no such code").ShouldBe(Google.Rpc.Code.Unknown);
    }
}
