using Platform.Testing;
using Grpc.Core;
using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// Additional Roles entitlements and claims. Entitlement = funding per 50,000-patient network (002_2309aa3900b6bf7c.txt:181)
/// × the PCN's list / 50,000; a claim reimburses 70% of salary × FTE × months / 12 (the PCN funds 30%, 004:941). Each test
/// claims against its own county PCN (paid on its stated total, which no registry test changes), so claims never meet.
/// </summary>
public sealed class ArrsTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    [Fact]
    public async Task The_entitlement_shows_the_schedules_staffing_scaled_to_the_pcn()
    {
        // 2020-21 schedule for a 50,000-patient PCN (002_2309aa3900b6bf7c.txt:171-175): pharmacists 2, social
        // prescribers 2, physiotherapist 1, physician associate 1; no community paramedic until 2021-22. (2020-21: the
        // registry-following tests change salutem's list only from a later date.)
        var entitlement = await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/salutem/arrsEntitlements/2020-21" });

        entitlement.TypicalStaffing.Select(role => (role.Role, role.NetworkFte.Value)).ShouldBe([
            (ArrsRole.ClinicalPharmacist, "2"), (ArrsRole.SocialPrescriber, "2"), (ArrsRole.Physiotherapist, "1"), (ArrsRole.PhysicianAssociate, "1")]);
        // Salutem's 35,455 patients (000_0b818a8f861e84b5.txt:1891): 2 × 35,455 / 50,000 = 1.4182 → 1.42 pharmacists.
        entitlement.TypicalStaffing[0].PcnFte.Value.ShouldBe("1.42");
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task The_entitlement_is_funding_per_network_times_the_list_over_50000_to_the_penny(string year)
    {
        var entitlement = await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"pcns/rutland/arrsEntitlements/{year}" });

        // Rutland: stated 39,920 (000_0b818a8f861e84b5.txt:1877); no weighted list is known, so the registered list is used.
        var perNetwork = Documents.Arrs.FundingPerNetwork[Documents.IndexOf(year)];
        entitlement.Name.ShouldBe($"pcns/rutland/arrsEntitlements/{year}");
        entitlement.Pcn.ShouldBe("pcns/rutland");
        entitlement.Year.ShouldBe(year);
        entitlement.Population.ShouldBe(39_920);
        entitlement.PopulationSource.ShouldBe(PopulationSource.Stated);
        entitlement.BasisUsed.ShouldBe(PatientBasis.Registered);
        entitlement.NetworkPatients.ShouldBe(Documents.Arrs.NetworkPatients);
        Pounds(entitlement.FundingPerNetwork).ShouldBe(perNetwork);
        Pounds(entitlement.Entitlement).ShouldBe(Penny(perNetwork * 39_920 / Documents.Arrs.NetworkPatients));
        Pounds(entitlement.Claimed).ShouldBe(0m);
        Pounds(entitlement.Remaining).ShouldBe(Pounds(entitlement.Entitlement));
        entitlement.ClaimCount.ShouldBe(0);
        entitlement.Source.ShouldContain($"{Documents.Arrs.File}:181");
    }

    [Fact]
    public async Task The_2022_23_entitlement_of_rutland_is_414369_60()
    {
        // £519,000 per 50k network (002:181) × 39,920 (000:1877) / 50,000 = £414,369.60.
        var entitlement = await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/rutland/arrsEntitlements/2022-23" });

        Pounds(entitlement.Entitlement).ShouldBe(414_369.60m);
        entitlement.ReferenceDate.ShouldBe(Date(2022, 4, 1));
    }

    [Fact]
    public async Task A_claim_reimburses_70_percent_of_its_salary_cost_is_listed_and_reduces_what_remains()
    {
        const string pcn = "pcns/north-blaby";
        var before = await Entitlement(pcn, "2021-22");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var claim = await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
        {
            Parent = pcn,
            Claim = Claim("2021-22", ArrsRole.ClinicalPharmacist, fte: "0.6", months: 7, salary: 45_678.91m),
            RequestId = NewRequestId(),
        });

        // 45,678.91 × 0.6 × 7 / 12 = 15,987.6185 → £15,987.62; × 0.70 = 11,191.33295 → £11,191.33.
        var exactSalaryCost = 45_678.91m * 0.6m * 7 / 12m;
        Pounds(claim.SalaryCost).ShouldBe(Penny(exactSalaryCost));
        Pounds(claim.Reimbursed).ShouldBe(Penny(exactSalaryCost * Documents.Arrs.ReimbursedShare));
        Pounds(claim.Reimbursed).ShouldBe(11_191.33m);
        Number(claim.ReimbursedShare).ShouldBe(0.70m);
        claim.Name.ShouldStartWith($"{pcn}/arrsClaims/");
        Guid.TryParse(claim.Name[$"{pcn}/arrsClaims/".Length..], out _).ShouldBeTrue();
        claim.Year.ShouldBe("2021-22");
        claim.Role.ShouldBe(ArrsRole.ClinicalPharmacist);
        Number(claim.Fte).ShouldBe(0.6m);
        claim.Months.ShouldBe(7);
        Pounds(claim.AnnualSalaryCost).ShouldBe(45_678.91m);
        new DateOnly(claim.CreateDate.Year, claim.CreateDate.Month, claim.CreateDate.Day).ShouldBeInRange(today, DateOnly.FromDateTime(DateTime.UtcNow));

        var listed = await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn, Year = "2021-22" });
        listed.Claims.ShouldHaveSingleItem().ShouldBe(claim);
        var after = await Entitlement(pcn, "2021-22");
        Pounds(after.Entitlement).ShouldBe(Pounds(before.Entitlement));
        Pounds(after.Claimed).ShouldBe(Pounds(before.Claimed) + 11_191.33m);
        Pounds(after.Remaining).ShouldBe(Pounds(before.Remaining) - 11_191.33m);
        Pounds(after.Remaining).ShouldBe(Pounds(after.Entitlement) - Pounds(after.Claimed));
        after.ClaimCount.ShouldBe(before.ClaimCount + 1);
    }

    [Fact]
    public async Task Claims_are_listed_oldest_first_a_page_at_a_time_and_by_year()
    {
        const string pcn = "pcns/south-blaby-lutterworth";
        var created = new List<Llr.Finance.V1.ArrsClaim>();
        foreach (var (role, months) in new[] { (ArrsRole.SocialPrescriber, 12), (ArrsRole.Physiotherapist, 6), (ArrsRole.PhysicianAssociate, 3) })
            created.Add(await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
                { Parent = pcn, Claim = Claim("2020-21", role, "1", months, 30_000m), RequestId = NewRequestId() }));
        var otherYear = await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2021-22", ArrsRole.CommunityParamedic, "1", 1, 30_000m), RequestId = NewRequestId() });

        var pages = new List<ListArrsClaimsResponse>();
        var token = "";
        do
        {
            var page = await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn, Year = "2020-21", PageSize = 1, PageToken = token });
            pages.Add(page);
            token = page.NextPageToken;
        } while (token != "" && pages.Count < 10);

        pages.Count.ShouldBe(3);
        pages.ShouldAllBe(page => page.Claims.Count == 1);
        pages.Select(page => page.Claims[0]).ShouldBe(created);

        var everyYear = await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn });
        everyYear.Claims.ShouldBe([.. created, otherYear]);
        everyYear.NextPageToken.ShouldBe("");

        // A token belongs to the query that returned it.
        var first = await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn, Year = "2020-21", PageSize = 1 });
        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn, Year = "2021-22", PageSize = 1, PageToken = first.NextPageToken })))
            .ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task A_claim_beyond_what_remains_is_refused_with_the_remaining_amount_and_writes_nothing()
    {
        const string pcn = "pcns/harborough";
        // Harborough: stated 28,445 (000:1875); £726,000 (002:181) × 28,445 / 50,000 = £413,021.40 for 2023-24.
        var first = await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2023-24", ArrsRole.ClinicalPharmacist, "3", 12, 55_000m), RequestId = NewRequestId() });
        Pounds(first.Reimbursed).ShouldBe(115_500m); // 55,000 × 3 × 12 / 12 × 0.70
        var before = await Entitlement(pcn, "2023-24");
        Pounds(before.Entitlement).ShouldBe(413_021.40m);
        Pounds(before.Remaining).ShouldBe(413_021.40m - 115_500m);
        var listedBefore = await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn });

        // 9 FTE for 12 months at £50,000 reimburses £315,000 > £297,521.40.
        var violation = await RpcAssert.FailsPrecondition(async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2023-24", ArrsRole.SocialPrescriber, "9", 12, 50_000m), RequestId = NewRequestId() }));

        violation.Type.ShouldBe("ARRS_ENTITLEMENT_EXCEEDED");
        violation.Subject.ShouldBe($"{pcn}/arrsEntitlements/2023-24");
        violation.Description.ShouldContain(Format(297_521.40m));
        violation.Description.ShouldContain(Format(315_000m));
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn })).ShouldBe(listedBefore);
        (await Entitlement(pcn, "2023-24")).ShouldBe(before);

        // Exactly what remains is still accepted.
        var rest = await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2023-24", ArrsRole.SocialPrescriber, "1", 12, 297_521.40m / 0.7m), RequestId = NewRequestId() });
        Pounds(rest.Reimbursed).ShouldBe(297_521.40m);
        Pounds((await Entitlement(pcn, "2023-24")).Remaining).ShouldBe(0m);
    }

    [Fact]
    public async Task A_role_the_scheme_does_not_fund_yet_is_refused()
    {
        const string pcn = "pcns/bosworth";
        // Physiotherapists are "Coming soon (2020/21+)" (002:147-149): not funded in 2019-20.
        var violation = await RpcAssert.FailsPrecondition(async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2019-20", ArrsRole.Physiotherapist, "1", 6, 35_000m), RequestId = NewRequestId() }));

        violation.Type.ShouldBe("ARRS_ROLE_NOT_YET_FUNDED");
        violation.Subject.ShouldBe($"{pcn}/arrsEntitlements/2019-20");
        violation.Description.ShouldContain("2020-21");
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn })).Claims.ShouldBeEmpty();

        // The same role the next year, and a 2019/20 role (002:142-145) that year, are accepted.
        await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2020-21", ArrsRole.Physiotherapist, "1", 6, 35_000m), RequestId = NewRequestId() });
        await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2019-20", ArrsRole.SocialPrescriber, "1", 6, 25_000m), RequestId = NewRequestId() });
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn })).Claims.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_retried_claim_returns_the_first_answer_and_is_stored_once_but_a_reused_request_id_is_refused()
    {
        const string pcn = "pcns/hinckley-central";
        var request = new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2021-22", ArrsRole.ClinicalPharmacist, "1.5", 9, 48_250.50m), RequestId = NewRequestId() };

        var first = await _client.CreateArrsClaimAsync(request);
        var retried = await _client.CreateArrsClaimAsync(request);

        retried.ShouldBe(first);
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn })).Claims.ShouldHaveSingleItem().ShouldBe(first);
        (await finance.CountAsync("SELECT count(*) FROM arrs_claims WHERE pcn_id = $1", "hinckley-central")).ShouldBe(1);
        (await Entitlement(pcn, "2021-22")).ClaimCount.ShouldBe(1);

        var other = request.Clone();
        other.Claim.Months = 10;
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.CreateArrsClaimAsync(other))).ShouldBe(["request_id"]);
        (await finance.CountAsync("SELECT count(*) FROM arrs_claims WHERE pcn_id = $1", "hinckley-central")).ShouldBe(1);

        // Nor may it be reused for another operation (the stored answer is a claim, not a rate).
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
        {
            FundingRate = new FundingRate { Name = "fundingStreams/improved-access/rates/2019-20", RatePerHead = Gbp(6m) },
            RequestId = request.RequestId,
        }))).ShouldBe(["request_id"]);
    }

    [Fact]
    public async Task Concurrent_claims_never_take_the_year_over_the_entitlement()
    {
        const string pcn = "pcns/fosseway";
        var entitlement = Pounds((await Entitlement(pcn, "2022-23")).Entitlement);
        // Fosseway: stated 42,742 (000:1880); £519,000 × 42,742 / 50,000 = £443,661.96.
        entitlement.ShouldBe(443_661.96m);
        // A salary whose 70% is just under a fifth of the entitlement: five fit, a sixth never does.
        var salary = Math.Floor(entitlement * 0.2m / 0.7m * 100m) / 100m;
        var share = Penny(salary * 0.7m);
        (5 * share).ShouldBeLessThanOrEqualTo(entitlement);
        (6 * share).ShouldBeGreaterThan(entitlement);

        var attempts = Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
                    { Parent = pcn, Claim = Claim("2022-23", ArrsRole.SocialPrescriber, "1", 12, salary), RequestId = NewRequestId() });
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        });
        var outcomes = await Task.WhenAll(attempts);

        outcomes.Count(code => code == StatusCode.OK).ShouldBe(5);
        outcomes.Where(code => code != StatusCode.OK).ShouldAllBe(code => code == StatusCode.FailedPrecondition);
        var after = await Entitlement(pcn, "2022-23");
        Pounds(after.Claimed).ShouldBe(5 * share);
        Pounds(after.Claimed).ShouldBeLessThanOrEqualTo(entitlement);
        after.ClaimCount.ShouldBe(5);
        (await finance.CountAsync("SELECT count(*) FROM arrs_claims WHERE pcn_id = $1 AND year = $2", "fosseway", "2022-23")).ShouldBe(5);
    }

    [Fact]
    public async Task Unspent_entitlement_does_not_carry_into_the_next_year_and_claims_do_not_reach_back()
    {
        const string pcn = "pcns/watermead";
        var thisYearBefore = await Entitlement(pcn, "2021-22");
        var nextYearBefore = await Entitlement(pcn, "2022-23");

        var claim = await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2021-22", ArrsRole.ClinicalPharmacist, "2", 12, 40_000m), RequestId = NewRequestId() });

        Pounds(claim.Reimbursed).ShouldBe(56_000m);
        var thisYear = await Entitlement(pcn, "2021-22");
        var nextYear = await Entitlement(pcn, "2022-23");
        Pounds(thisYear.Remaining).ShouldBe(Pounds(thisYearBefore.Remaining) - 56_000m);
        nextYear.ShouldBe(nextYearBefore);
        Pounds(nextYear.Remaining).ShouldBe(Pounds(nextYear.Entitlement));
        // Next year's own entitlement (£519,000 × 31,816 / 50,000 = £330,250.08; 000:1884) is all that can be claimed then,
        // however much of this year's was left.
        Pounds(nextYear.Entitlement).ShouldBe(330_250.08m);
        var violation = await RpcAssert.FailsPrecondition(async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = Claim("2022-23", ArrsRole.ClinicalPharmacist, "1", 12, (330_250.08m + 0.01m) / 0.7m), RequestId = NewRequestId() }));
        violation.Type.ShouldBe("ARRS_ENTITLEMENT_EXCEEDED");
        violation.Description.ShouldContain(Format(330_250.08m));
    }

    private async Task<ArrsEntitlement> Entitlement(string pcn, string year) =>
        await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"{pcn}/arrsEntitlements/{year}" });

    internal static Llr.Finance.V1.ArrsClaim Claim(string year, ArrsRole role, string fte, int months, decimal salary) => new()
    {
        Year = year,
        Role = role,
        Fte = Dec(fte),
        Months = months,
        AnnualSalaryCost = Gbp(salary),
    };
}
