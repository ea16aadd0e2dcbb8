using Platform.Testing;
using Grpc.Core;
using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// What a caller gets wrong comes back as INVALID_ARGUMENT with every bad field named (google.rpc.BadRequest), what does
/// not exist as NOT_FOUND, and nothing as INTERNAL. None of these requests writes anything.
/// </summary>
public sealed class ErrorTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    [Theory]
    [InlineData("pcns/slam/allocations/2031-32")] // a well-formed year Finance has no rates for
    [InlineData("pcns/slam/allocations/2019-21")] // not a financial year: 21 does not follow 2019
    [InlineData("pcns/slam/allocations/19-20")]
    [InlineData("pcns/slam/allocation/2019-20")]  // wrong collection
    [InlineData("pcns/slam/allocations")]
    [InlineData("slam/allocations/2019-20")]
    [InlineData("pcns//allocations/2019-20")]
    [InlineData("pcns/*/allocations/2019-20")]         // AIP-122: malformed, not a PCN that is not there
    [InlineData("pcns/slam\0/allocations/2019-20")]   // a NUL byte never reaches the database
    [InlineData("")]
    public async Task A_bad_allocation_name_is_an_invalid_name(string name)
    {
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = name })))
            .ShouldBe(["name"]);
    }

    [Fact]
    public async Task Every_read_names_a_bad_year_in_its_name_field()
    {
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2031-32" }))).ShouldBe(["name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = "reconciliationReports/2019-21" }))).ShouldBe(["name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/slam/arrsEntitlements/2031-32" }))).ShouldBe(["name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2031-32" }))).ShouldBe(["name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgets/2019-20" }))).ShouldBe(["name"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "pcns/slam", Year = "2031-32" }))).ShouldBe(["year"]);
        (await RpcAssert.FailsWithFieldViolations(async () =>
            await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "slam", Year = "20-21", PageSize = -1, PageToken = "forged" })))
            .ShouldBe(["parent", "year", "page_size", "page_token"]);
    }

    [Fact]
    public async Task The_message_names_the_years_finance_knows()
    {
        var error = await RpcAssert.FailsWith(StatusCode.InvalidArgument, async () =>
            await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/slam/allocations/2031-32" }));

        var violation = error.GetRpcStatus()!.GetDetail<Google.Rpc.BadRequest>().FieldViolations.Single();
        violation.Description.ShouldContain("2031-32");
        foreach (var year in Documents.Years) violation.Description.ShouldContain(year);
    }

    [Fact]
    public async Task A_claim_with_bad_fields_names_the_field()
    {
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "-1", 6, 40_000m))).ShouldBe(["claim.fte"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "0", 6, 40_000m))).ShouldBe(["claim.fte"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 0, 40_000m))).ShouldBe(["claim.months"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 13, 40_000m))).ShouldBe(["claim.months"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 6, 0m))).ShouldBe(["claim.annual_salary_cost"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.Unspecified, "1", 6, 40_000m))).ShouldBe(["claim.role"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2031-32", ArrsRole.ClinicalPharmacist, "1", 6, 40_000m))).ShouldBe(["claim.year"]);
        (await BadClaim("pcns/soar-valley", ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 6, 40_000m), requestId: "not-a-uuid"))
            .ShouldBe(["request_id"]);

        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "pcns/soar-valley" })).Claims.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_claim_wrong_in_every_way_names_every_field_at_once()
    {
        var claim = new Llr.Finance.V1.ArrsClaim
        {
            Year = "2021-23",
            Role = ArrsRole.Unspecified,
            Fte = Dec("-0.5"),
            Months = 13,
            AnnualSalaryCost = new Google.Type.Money { CurrencyCode = "USD", Units = 30_000 },
        };

        (await BadClaim("soar-valley", claim)).ShouldBe(["parent", "claim.year", "claim.role", "claim.fte", "claim.months", "claim.annual_salary_cost"]);
        (await BadClaim("pcns/soar-valley", null)).ShouldBe(["claim.year", "claim.role", "claim.fte", "claim.months", "claim.annual_salary_cost"]);
    }

    [Fact]
    public async Task A_year_finance_has_no_figures_for_is_named_beside_the_other_mistakes()
    {
        var claim = ArrsTests.Claim("2031-32", ArrsRole.ClinicalPharmacist, "-1", 13, 40_000m);

        (await BadClaim("pcns/soar-valley", claim)).ShouldBe(["claim.year", "claim.fte", "claim.months"]);
    }

    [Fact]
    public async Task What_does_not_exist_is_not_found()
    {
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/atlantis/allocations/2021-22" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/atlantis/arrsEntitlements/2021-22" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "pcns/atlantis" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = "pcns/atlantis", Claim = ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 6, 40_000m), RequestId = NewRequestId() }));
    }

    [Fact]
    public async Task Only_2019_20_has_a_budget_statement()
    {
        // Table 4 is the 2019/20 budget (004_019362184b449183.txt:2934); 2020-21 is a year Finance knows but has no budget for.
        var error = await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest { Name = "budgetStatements/2020-21" }));

        var resource = error.GetRpcStatus()!.GetDetail<Google.Rpc.ResourceInfo>();
        resource.ShouldNotBeNull();
        resource.ResourceName.ShouldBe("budgetStatements/2020-21");
    }

    [Fact]
    public async Task Odd_requests_are_never_an_internal_error()
    {
        var calls = new List<(string What, Func<Task> Call)>
        {
            ("empty allocation", async () => await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest())),
            ("empty system", async () => await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest())),
            ("empty reconciliation", async () => await _client.GetReconciliationReportAsync(new GetReconciliationReportRequest())),
            ("empty entitlement", async () => await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest())),
            ("empty claim", async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest())),
            ("empty claims", async () => await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest())),
            ("empty budget", async () => await _client.GetBudgetStatementAsync(new GetBudgetStatementRequest())),
            ("empty rates", async () => await _client.ListFundingRatesAsync(new ListFundingRatesRequest())),
            ("empty rate", async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest())),
            ("year 0000-01", async () => await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/slam/allocations/0000-01" })),
            ("year 9999-00", async () => await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/9999-00" })),
            ("year 9999-00 arrs", async () => await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/slam/arrsEntitlements/9999-00" })),
            ("unicode pcn", async () => await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/ślam'; DROP TABLE arrs_claims;--/allocations/2021-22" })),
            ("extra segments", async () => await _client.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/slam/arrsEntitlements/2021-22/extra" })),
            ("non-base64 token", async () => await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", PageToken = "%%%" })),
            ("huge page", async () => await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/-", PageSize = int.MaxValue, PageToken = "x" })),
            ("nanos out of range", async () => await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest
                { FundingRate = new FundingRate { Name = "fundingStreams/core-pcn-funding/rates/2020-21", RatePerHead = new Google.Type.Money { Units = 1, Nanos = 1_000_000_000 } } })),
            ("mixed signs", async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
                { Parent = "pcns/soar-valley", Claim = new Llr.Finance.V1.ArrsClaim { Year = "2021-22", Role = ArrsRole.SocialPrescriber, Fte = Dec("1"), Months = 1,
                    AnnualSalaryCost = new Google.Type.Money { CurrencyCode = "GBP", Units = 1, Nanos = -5 } } })),
            ("exponent fte", async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
                { Parent = "pcns/soar-valley", Claim = ArrsTests.Claim("2021-22", ArrsRole.SocialPrescriber, "1e3", 1, 1m) })),
        };

        var outcomes = new List<string>();
        foreach (var (what, call) in calls)
        {
            var error = await Should.ThrowAsync<RpcException>(call, what);
            outcomes.Add($"{what}: {error.StatusCode} {error.Status.Detail}");
            error.StatusCode.ShouldBeOneOf([StatusCode.InvalidArgument, StatusCode.NotFound], $"{what}: {error.Status.Detail}");
        }
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "pcns/soar-valley" })).Claims.ShouldBeEmpty(string.Join("\n", outcomes));
    }

    [Fact]
    public async Task A_rate_too_large_to_pay_in_pence_is_refused_as_invalid_not_an_internal_error()
    {
        // £1,000,000,000,000,000 a head: every PCN's allocation overflows a count of pence (and google.type.Money's units).
        var rate = new FundingRate { Name = "fundingStreams/core-pcn-funding/rates/2020-21", RatePerHead = new Google.Type.Money { CurrencyCode = "GBP", Units = 1_000_000_000_000_000 } };
        var before = await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/core-pcn-funding", Year = "2020-21" });

        var code = await RpcAssert.FailsWithoutInternalError(async () =>
            await _client.UpdateFundingRateAsync(new UpdateFundingRateRequest { FundingRate = rate, RequestId = NewRequestId() }));

        code.ShouldBe(StatusCode.InvalidArgument);
        (await _client.ListFundingRatesAsync(new ListFundingRatesRequest { Parent = "fundingStreams/core-pcn-funding", Year = "2020-21" })).ShouldBe(before);
    }

    [Fact]
    public async Task A_claim_too_large_to_compute_is_refused_not_an_internal_error()
    {
        // 10^21 whole-time posts at £10^10 each: the salary cost overflows any exact decimal; it is certainly over the entitlement.
        var claim = ArrsTests.Claim("2021-22", ArrsRole.SocialPrescriber, "1000000000000000000000", 12, 10_000_000_000m);

        var code = await RpcAssert.FailsWithoutInternalError(async () =>
            await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest { Parent = "pcns/soar-valley", Claim = claim, RequestId = NewRequestId() }));

        code.ShouldBeOneOf(StatusCode.InvalidArgument, StatusCode.FailedPrecondition);
        (await _client.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = "pcns/soar-valley" })).Claims.ShouldBeEmpty();
    }

    private async Task<IReadOnlyList<string>> BadClaim(string parent, Llr.Finance.V1.ArrsClaim? claim, string? requestId = null) =>
        await RpcAssert.FailsWithFieldViolations(async () => await _client.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = parent, Claim = claim, RequestId = requestId ?? NewRequestId() }));
}
