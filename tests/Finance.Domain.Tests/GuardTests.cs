using Finance.Domain.Allocations;
using Finance.Domain.Arrs;
using Finance.Domain.Budgets;
using Finance.Domain.Model;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

/// <summary>Edges the formula tests do not reach: mixed bases, mismatched years, odd input.</summary>
public sealed class GuardTests
{
    private static readonly ArrsScheme Scheme = new(50_000, 0.70m, "002:168; 004:941");

    // 002:180-182, 2019/20: £92,000 per 50k network, LLR population 1,144,575, total 2,106,018.
    private static readonly ArrsYearFunding Funding2019 = new(Year("2019-20"), 110m, 1_144_575, 92_000m, 2_106_018m, ContractStart, "002:180-182");

    [Fact]
    public void A_PCNs_population_is_its_registered_list_even_when_a_weighted_stream_comes_first()
    {
        // Illustrative lists: 1,000 registered, 900 weighted. Participation (weighted) is the table's first stream.
        var history = new PopulationHistory([Population("p", "c", registered: 1_000, weighted: 900)]);
        var rates = new[] { Rate(Streams.Participation, "2019-20", 1.761m), Rate(Streams.CorePcnFunding, "2019-20", 1.50m) };

        var allocation = AllocationCalculator.ForPcn("p", rates, Streams.ById, history)!;

        allocation.Population.ShouldBe(1_000);
        allocation.Lines[0].Population.ShouldBe(900);
        allocation.Lines[0].BasisUsed.ShouldBe(PatientBasis.Weighted);
        allocation.Lines.Select(line => line.Stream.Id).ShouldBe([Streams.Participation.Id, Streams.CorePcnFunding.Id]);
    }

    [Fact]
    public void A_claim_is_never_checked_against_another_years_entitlement()
    {
        var entitlement = ArrsEntitlementCalculator.For(Population("salutem", "leicester-city", 35_455), Funding2019, Scheme, []);

        Should.Throw<ArgumentException>(() => ArrsClaimRules.Accept(Guid.NewGuid(),
            new ArrsClaimRequest(Year("2023-24"), ArrsRole.ClinicalPharmacist, 1m, 12, 40_000m), entitlement, Scheme, [], ContractStart));
    }

    [Theory]
    [InlineData(-1, 12, 40_000)]
    [InlineData(0, 12, 40_000)]
    [InlineData(1, 0, 40_000)]
    [InlineData(1, 13, 40_000)]
    [InlineData(1, 12, 0)]
    public void A_claim_with_impossible_figures_never_reaches_the_entitlement(decimal fte, int months, decimal salary)
    {
        var entitlement = ArrsEntitlementCalculator.For(Population("salutem", "leicester-city", 35_455), Funding2019, Scheme, []);

        Should.Throw<ArgumentOutOfRangeException>(() => ArrsClaimRules.Accept(Guid.NewGuid(),
            new ArrsClaimRequest(Year("2019-20"), ArrsRole.ClinicalPharmacist, fte, months, salary), entitlement, Scheme, [], ContractStart));
    }

    [Theory]
    [InlineData("٢٠١٩-٢٠")]
    [InlineData("2019-20\n")]
    public void Only_ascii_digits_make_a_financial_year(string text) =>
        FinancialYear.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void Growth_on_a_zero_year_has_no_percentage()
    {
        var years = CoCommissioningGrowth.Compute([
            new CoCommissioningAllocation("s", Year("2019-20"), 0m, "illustrative"),
            new CoCommissioningAllocation("s", Year("2020-21"), 5m, "illustrative")]);

        years[1].Growth.ShouldBe(5m);
        years[1].GrowthPercent.ShouldBeNull();
    }

    [Fact]
    public void The_schedules_staffing_scales_with_the_list_to_two_decimal_places()
    {
        // 002:171: 3 clinical pharmacists in 2021-22 for a 50,000-patient PCN. 3 × 35,455 / 50,000 = 2.1273 → 2.13;
        // 3 × 25,000 / 50,000 = 1.5 exactly.
        var pharmacists = new ArrsRoleYear(ArrsRole.ClinicalPharmacist, "Clinical Pharmacist", Year("2021-22"), 3m, Year("2019-20"), "002:171");

        pharmacists.FteFor(35_455, 50_000).ShouldBe(2.13m);
        pharmacists.FteFor(25_000, 50_000).ShouldBe(1.50m);
    }
}
