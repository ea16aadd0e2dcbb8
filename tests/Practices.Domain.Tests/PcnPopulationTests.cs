using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

public class PcnPopulationTests
{
    private static readonly DateOnly AsAt = new(2024, 1, 1);

    private static PcnMemberSize Sized(string id, long? registered, long? weighted = null) =>
        new(Practice(id), Member(id, "p"), registered is { } r ? Size(id, r, weighted) : null);

    [Fact]
    public void When_every_member_size_is_known_the_population_is_their_sum_shown_beside_the_stated_total()
    {
        // Belgrave & Spinney: 10,486 + 7,228 + 3,197 + 20,834 + 4,029 = 45,774, the stated total (000:476-484, 000:1886).
        var population = PcnPopulation.Calculate(Pcn("p", 45_774), AsAt,
            [Sized("a", 10_486), Sized("b", 7_228), Sized("c", 3_197), Sized("d", 20_834), Sized("e", 4_029)]);

        population.ComputedRegistered.ShouldBe(45_774);
        population.StatedTotal.ShouldBe(45_774);
        population.DifferenceFromStated.ShouldBe(0);
        population.Basis.ShouldBe(PopulationBasis.Computed);
        population.Population.ShouldBe(45_774);
        population.SizeStatus.ShouldBe(SizeStatus.WithinRange);
    }

    [Fact]
    public void When_a_member_size_is_unknown_the_stated_total_stands_and_no_difference_is_claimed()
    {
        // Leicester City South: five sizes sum to 30,904; Walnut St MC has none; stated 35,417.
        var population = PcnPopulation.Calculate(Pcn("p", 35_417), AsAt, [Sized("a", 30_904), Sized("walnut", null)]);

        population.ComputedRegistered.ShouldBe(30_904);
        population.PracticesWithSize.ShouldBe(1);
        population.PracticesWithoutSize.ShouldBe(1);
        population.DifferenceFromStated.ShouldBeNull();
        population.Basis.ShouldBe(PopulationBasis.Stated);
        population.Population.ShouldBe(35_417);
    }

    [Fact]
    public void A_difference_between_computed_and_stated_is_reported_not_hidden()
    {
        var population = PcnPopulation.Calculate(Pcn("p", 39_194), AsAt, [Sized("a", 20_000), Sized("b", 18_194)]);

        population.DifferenceFromStated.ShouldBe(-1_000);
        population.Population.ShouldBe(38_194);
    }

    [Fact]
    public void A_practice_listed_twice_counts_once()
    {
        var member = Sized("a", 12_000);
        var population = PcnPopulation.Calculate(Pcn("p", 12_000), AsAt, [member, member]);

        population.ComputedRegistered.ShouldBe(12_000);
        population.Members.Count.ShouldBe(1);
    }

    [Fact]
    public void A_population_stated_in_parts_totals_the_parts()
    {
        // North West Leicestershire: 42,823 + 37,319 + 27,724 (000:1881-1883).
        var pcn = Pcn("nwl", 42_823, 37_319, 27_724);

        pcn.StatedTotal.ShouldBe(107_866);
        PcnPopulation.Calculate(pcn, AsAt, [Sized("a", null)]).SizeStatus.ShouldBe(SizeStatus.AboveMaximum);
    }

    [Fact]
    public void Weighted_sum_is_given_only_when_every_member_has_a_weighted_size()
    {
        PcnPopulation.Calculate(Pcn("p", 1), AsAt, [Sized("a", 100, 110), Sized("b", 200, 190)]).ComputedWeighted.ShouldBe(300);
        PcnPopulation.Calculate(Pcn("p", 1), AsAt, [Sized("a", 100, 110), Sized("b", 200)]).ComputedWeighted.ShouldBeNull();
    }

    [Fact]
    public void A_pcn_with_no_members_falls_back_to_its_stated_total()
    {
        var population = PcnPopulation.Calculate(Pcn("p", 31_816), AsAt, []);

        population.Basis.ShouldBe(PopulationBasis.Stated);
        population.Population.ShouldBe(31_816);
    }
}
