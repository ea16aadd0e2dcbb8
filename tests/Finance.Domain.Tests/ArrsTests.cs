using Finance.Domain.Arrs;
using Finance.Domain.Model;
using Finance.Domain.Reconciliation;
using Platform.Domain.Errors;
using Shouldly;
using static Finance.Domain.Tests.Builders;

namespace Finance.Domain.Tests;

public class ArrsTests
{
    // 002:168 "For a 50,000 patient PCN"; 004:941 "the PCNs willingness to fund the 30% of their salaries":
    // the scheme reimburses 1 − 0.30 = 0.70.
    private static readonly ArrsScheme Scheme = new(50_000, 1m - 0.30m, "002:168; 004:941");

    // 002:179 national £m, 002:180 LLR population, 002:181 funding per 50k network, 002:182 total LLR funding.
    private static ArrsYearFunding Funding(string year, decimal nationalMillions, long llrPopulation, decimal perNetwork, decimal total)
    {
        var financialYear = Year(year);
        return new ArrsYearFunding(financialYear, nationalMillions, llrPopulation, perNetwork, total, ReferenceDate(financialYear), "002:179-182");
    }

    private static readonly ArrsYearFunding Funding2019 = Funding("2019-20", 110m, 1_144_575, 92_000m, 2_106_018m);

    /// <summary>002:171–175 (FTE per 50k PCN) with first years from 002:142–151: pharmacist and social prescriber from 2019/20, the rest "Coming soon (2020/21+)".</summary>
    private static readonly IReadOnlyList<ArrsRoleYear> Schedule =
    [
        new(ArrsRole.ClinicalPharmacist, "Clinical Pharmacist", Year("2019-20"), 1m, Year("2019-20"), "002:171"),
        new(ArrsRole.ClinicalPharmacist, "Clinical Pharmacist", Year("2020-21"), 2m, Year("2019-20"), "002:171"),
        new(ArrsRole.SocialPrescriber, "Social Prescriber", Year("2019-20"), 1m, Year("2019-20"), "002:172"),
        new(ArrsRole.SocialPrescriber, "Social Prescriber", Year("2020-21"), 2m, Year("2019-20"), "002:172"),
        new(ArrsRole.Physiotherapist, "Physiotherapist", Year("2020-21"), 1m, Year("2020-21"), "002:173"),
        new(ArrsRole.PhysicianAssociate, "Physician Associate", Year("2020-21"), 1m, Year("2020-21"), "002:174"),
        new(ArrsRole.CommunityParamedic, "Community Paramedic", Year("2021-22"), 1m, Year("2020-21"), "002:175"),
    ];

    public static TheoryData<string, decimal, long, decimal, decimal, decimal, decimal> ArrsYears => new()
    {
        // year, national £m (002:179), LLR population (002:180), per 50k network (002:181), printed total (002:182),
        // computed = per network × population / 50,000, difference = computed − printed
        { "2019-20", 110m, 1_144_575, 92_000m, 2_106_018m, 2_106_018.00m, 0.00m },     // 1.84 × 1,144,575 = 2,106,018.00
        { "2020-21", 257m, 1_145_720, 213_000m, 4_880_765m, 4_880_767.20m, 2.20m },    // 4.26 × 1,145,720 = 4,880,767.20
        { "2021-22", 415m, 1_146_865, 342_000m, 7_844_556m, 7_844_556.60m, 0.60m },    // 6.84 × 1,146,865 = 7,844,556.60
        { "2022-23", 634m, 1_148_012, 519_000m, 11_916_366m, 11_916_364.56m, -1.44m }, // 10.38 × 1,148,012 = 11,916,364.56
        { "2023-24", 891m, 1_149_160, 726_000m, 16_685_806m, 16_685_803.20m, -2.80m }, // 14.52 × 1,149,160 = 16,685,803.20
    };

    [Theory]
    [MemberData(nameof(ArrsYears))]
    public void Reconciliation_reproduces_each_printed_LLR_total_from_the_per_network_figure(
        string year, decimal nationalMillions, long population, decimal perNetwork, decimal printed, decimal computed, decimal difference)
    {
        var reconciliation = ArrsReconciliation.Build(Funding(year, nationalMillions, population, perNetwork, printed), Scheme, []);

        reconciliation.Computed.ShouldBe(computed);
        reconciliation.Difference.ShouldBe(difference);
        // The printed total implies total × 50,000 / population per network, which rounds to the printed per-network
        // figure every year: 92,000.00; 212,999.90; 341,999.97; 519,000.06; 726,000.12.
        reconciliation.WithinRounding.ShouldBeTrue();
        Math.Abs(reconciliation.ImpliedFundingPerNetwork - perNetwork).ShouldBeLessThan(0.5m);
    }

    [Fact]
    public void A_printed_total_a_network_away_is_not_within_rounding()
    {
        // 2019-20 with the total tampered by £50: 2,106,068 × 50,000 / 1,144,575 = 92,002.18 → 92,002 ≠ 92,000.
        var reconciliation = ArrsReconciliation.Build(Funding("2019-20", 110m, 1_144_575, 92_000m, 2_106_068m), Scheme, []);

        reconciliation.WithinRounding.ShouldBeFalse();
        reconciliation.Difference.ShouldBe(-50.00m);
    }

    [Fact]
    public void Reconciliation_against_the_registry_prices_the_extra_patients_at_the_per_head_rate()
    {
        // 1,144,575 (002:180) + 1,000 = 1,145,575 weighted patients in two PCNs: 50,000 + 1,095,575.
        var pcns = new[]
        {
            Population("fifty-thousand", LeicesterCity, 52_000, weighted: 50_000, asAt: ContractStart),
            Population("rest", WestLeicestershire, 1_095_575, weighted: null, asAt: ContractStart),
        };

        var reconciliation = ArrsReconciliation.Build(Funding2019, Scheme, pcns);

        reconciliation.RegistryPopulation.ShouldBe(1_145_575);
        // 92,000 + 92,000 × 1,095,575 / 50,000 = 92,000 + 2,015,858.00 = 2,107,858.00
        reconciliation.RegistryEntitlement.ShouldBe(2_107_858.00m);
        reconciliation.RegistryDifference.ShouldBe(1_840.00m);   // 92,000 / 50,000 × 1,000 = 1.84 × 1,000
        reconciliation.Explanation.ShouldContain("hold 1,145,575 (1,000 more), worth £1,840.00 at £92,000.00 per 50,000 patients");
    }

    [Theory]
    // The per-network figure is for a 50,000-patient PCN (002:168, 002:181).
    [InlineData(92_000, 50_000, 92_000)]          // 002:181 2019-20
    [InlineData(519_000, 50_000, 519_000)]        // 002:181 2022-23
    [InlineData(92_000, 25_000, 46_000)]          // half the list, half the money
    [InlineData(92_000, 45_774, 84_224.16)]       // 1.84 × 45,774 (Belgrave & Spinney Hill, 000:485) = 84,224.16
    public void Entitlement_is_the_per_network_figure_scaled_by_list_size(int perNetwork, long patients, double expected) =>
        ArrsEntitlementCalculator.Entitlement(perNetwork, patients, 50_000).ShouldBe((decimal)expected);

    [Fact]
    public void Entitlement_uses_the_weighted_list_when_known_and_remaining_is_entitlement_less_claims()
    {
        var claims = new[] { Claim(ArrsRole.ClinicalPharmacist, 42_000m, 1m, 12) };   // reimburses 42,000 × 0.70 = 29,400.00

        var weighted = ArrsEntitlementCalculator.For(Population("p", LeicesterCity, 30_000, weighted: 25_000), Funding2019, Scheme, claims);
        var registered = ArrsEntitlementCalculator.For(Population("p", LeicesterCity, 25_000), Funding2019, Scheme, []);

        weighted.BasisUsed.ShouldBe(PatientBasis.Weighted);
        weighted.Amount.ShouldBe(46_000.00m);          // 92,000 × 25,000 / 50,000 (002:181)
        weighted.Claimed.ShouldBe(29_400.00m);
        weighted.ClaimCount.ShouldBe(1);
        weighted.Remaining.ShouldBe(16_600.00m);       // 46,000 − 29,400
        registered.BasisUsed.ShouldBe(PatientBasis.Registered);
        registered.Amount.ShouldBe(46_000.00m);
        registered.Remaining.ShouldBe(46_000.00m);
    }

    [Fact]
    public void Claim_reimburses_seventy_percent_of_salary_times_FTE_times_months_over_twelve_rounded_once()
    {
        // Illustrative salary (no document prints one): £30,001 a year, half time, July–March (9 months, 000:1164).
        // Salary cost 30,001 × 0.5 × 9 / 12 = 11,250.375 → 11,250.38.
        // Reimbursed 11,250.375 × 0.70 = 7,875.2625 → 7,875.26 (rounding the salary cost first would give
        // 11,250.38 × 0.70 = 7,875.266 → 7,875.27).
        var entitlement = ArrsEntitlementCalculator.For(Population("salutem", LeicesterCity, 35_455), Funding2019, Scheme, []);

        var claim = ArrsClaimRules.Accept(Guid.NewGuid(), new ArrsClaimRequest(Year("2019-20"), ArrsRole.ClinicalPharmacist, 0.5m, 9, 30_001m),
            entitlement, Scheme, Schedule, new DateOnly(2019, 10, 1));

        claim.SalaryCost.ShouldBe(11_250.38m);
        claim.Reimbursed.ShouldBe(7_875.26m);
        claim.ReimbursedShare.ShouldBe(0.70m);
        claim.PcnId.ShouldBe("salutem");
    }

    // Salutem 35,455 (000:496): 2019-20 entitlement 92,000 × 35,455 / 50,000 = 65,237.20; a pharmacist on £42,000
    // already reimburses 29,400.00, so 65,237.20 − 29,400.00 = 35,837.20 remains.
    private static ArrsEntitlement SalutemWithOnePharmacist() =>
        ArrsEntitlementCalculator.For(Population("salutem", LeicesterCity, 35_455), Funding2019, Scheme,
            [Claim(ArrsRole.ClinicalPharmacist, 42_000m, 1m, 12)]);

    [Fact]
    public void A_claim_of_exactly_the_remaining_entitlement_is_accepted()
    {
        var entitlement = SalutemWithOnePharmacist();
        entitlement.Remaining.ShouldBe(35_837.20m);

        // 51,196 × 1 × 12 / 12 × 0.70 = 35,837.20, exactly what remains.
        var claim = ArrsClaimRules.Accept(Guid.NewGuid(), new ArrsClaimRequest(Year("2019-20"), ArrsRole.SocialPrescriber, 1m, 12, 51_196m),
            entitlement, Scheme, Schedule, new DateOnly(2019, 10, 1));

        claim.Reimbursed.ShouldBe(35_837.20m);
    }

    [Fact]
    public void A_claim_a_penny_over_the_remaining_entitlement_is_refused_and_says_what_remains()
    {
        // 51,196.02 × 0.70 = 35,837.214 → 35,837.21, a penny more than the 35,837.20 that remains.
        var refused = Should.Throw<RuleViolationException>(() => ArrsClaimRules.Accept(Guid.NewGuid(),
            new ArrsClaimRequest(Year("2019-20"), ArrsRole.SocialPrescriber, 1m, 12, 51_196.02m),
            SalutemWithOnePharmacist(), Scheme, Schedule, new DateOnly(2019, 10, 1)));

        refused.Rule.ShouldBe(ArrsClaimRules.EntitlementExceeded);
        refused.Rule.ShouldBe("ARRS_ENTITLEMENT_EXCEEDED");
        refused.Subject.ShouldBe("pcns/salutem/arrsEntitlements/2019-20");
        refused.Message.ShouldContain("would reimburse £35,837.21");
        refused.Message.ShouldContain("only £35,837.20 of the £65,237.20 2019-20 entitlement remains (£29,400.00 already claimed)");
    }

    [Fact]
    public void A_physiotherapist_is_not_funded_in_2019_20()
    {
        // 002:142–151: only social prescriber and clinical pharmacist are new for 2019/20; physiotherapist is
        // "Coming soon (2020/21+)", first scheduled at 1 FTE in 2020/21 (002:173).
        var refused = Should.Throw<RuleViolationException>(() => ArrsClaimRules.Accept(Guid.NewGuid(),
            new ArrsClaimRequest(Year("2019-20"), ArrsRole.Physiotherapist, 1m, 6, 10_000m),
            SalutemWithOnePharmacist(), Scheme, Schedule, new DateOnly(2019, 10, 1)));

        refused.Rule.ShouldBe("ARRS_ROLE_NOT_YET_FUNDED");
        refused.Message.ShouldBe("The scheme funds physiotherapist from 2020-21, not in 2019-20.");
    }

    [Fact]
    public void A_physiotherapist_is_funded_from_2020_21()
    {
        // 2020-21: 213,000 per 50k network (002:181) × 35,455 / 50,000 = 151,038.30.
        var entitlement = ArrsEntitlementCalculator.For(Population("salutem", LeicesterCity, 35_455),
            Funding("2020-21", 257m, 1_145_720, 213_000m, 4_880_765m), Scheme, []);
        entitlement.Amount.ShouldBe(151_038.30m);

        // Illustrative £36,000 × 1 FTE × 12 / 12 × 0.70 = 25,200.00
        var claim = ArrsClaimRules.Accept(Guid.NewGuid(), new ArrsClaimRequest(Year("2020-21"), ArrsRole.Physiotherapist, 1m, 12, 36_000m),
            entitlement, Scheme, Schedule, new DateOnly(2020, 10, 1));

        claim.Reimbursed.ShouldBe(25_200.00m);
    }

    [Fact]
    public void A_role_missing_from_the_schedule_is_never_funded()
    {
        var refused = Should.Throw<RuleViolationException>(() => ArrsClaimRules.Accept(Guid.NewGuid(),
            new ArrsClaimRequest(Year("2019-20"), ArrsRole.SocialPrescriber, 1m, 12, 36_000m),
            SalutemWithOnePharmacist(), Scheme, [], new DateOnly(2020, 10, 1)));

        refused.Rule.ShouldBe(ArrsClaimRules.RoleNotYetFunded);
        refused.Message.ShouldContain("from no year");
    }

    [Fact]
    public void Role_ids_round_trip_and_unknown_ids_are_rejected()
    {
        ArrsRoles.Parse("physiotherapist").ShouldBe(ArrsRole.Physiotherapist);
        ArrsRole.CommunityParamedic.ToId().ShouldBe("community-paramedic");
        Should.Throw<FormatException>(() => ArrsRoles.Parse("Physiotherapist"));
    }

    private static ArrsClaim Claim(ArrsRole role, decimal salary, decimal fte, int months) =>
        new(Guid.NewGuid(), "salutem", Year("2019-20"), role, fte, months, salary, Scheme.ReimbursedShare, new DateOnly(2019, 9, 1));
}
