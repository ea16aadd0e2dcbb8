using Finance.Domain.Model;
using Shouldly;

namespace Finance.Domain.Tests;

public class MoneyTests
{
    public static TheoryData<decimal, decimal> PennyCases => new()
    {
        { 0.005m, 0.01m },          // the midpoint goes up, away from zero (not to the even 0.00)
        { -0.005m, -0.01m },        // and a negative midpoint goes down, away from zero
        { 2.345m, 2.35m },          // banker's rounding would give 2.34
        { -2.345m, -2.35m },
        { 2.3449m, 2.34m },         // below the midpoint
        { 23_527.836m, 23_527.84m },// 0.514 (004:3045) × 45,774 (000:485) = 23,527.836
        { 62_436.255m, 62_436.26m },// 1.761 (004:3041) × 35,455 (000:496) = 62,436.255, a real midpoint
    };

    [Theory]
    [MemberData(nameof(PennyCases))]
    public void ToPenny_rounds_half_away_from_zero(decimal pounds, decimal expected) =>
        Money.ToPenny(pounds).ShouldBe(expected);

    [Fact]
    public void ToPence_rounds_to_the_penny_first()
    {
        Money.ToPence(1.005m).ShouldBe(101L);
        Money.ToPence(-1.005m).ShouldBe(-101L);
    }

    [Fact]
    public void Percent_is_rounded_to_two_places_half_away_from_zero()
    {
        // 1 / 800 × 100 = 0.125 exactly: a midpoint, so 0.13 and −0.13.
        Money.Percent(1m, 800m).ShouldBe(0.13m);
        Money.Percent(-1m, 800m).ShouldBe(-0.13m);
        // 004:3149: (153,219 − 146,685) / 146,685 × 100 = 6,534 / 146,685 × 100 = 4.4544… → 4.45
        Money.Percent(6_534m, 146_685m).ShouldBe(4.45m);
    }
}
