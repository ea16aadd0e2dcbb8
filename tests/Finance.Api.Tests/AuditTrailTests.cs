using Llr.Audit.V1;
using Llr.Finance.V1;
using Platform.Testing;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// Finance's audit trail: each of its write RPCs, accepted or refused, leaves its record in Finance's own database,
/// and ListAuditRecords reads them back. Closing 2023-24 and setting its core rate would move figures other tests
/// assert on, so this runs with the year closers, after every parallel test; no test asserts on 2023-24 after that.
/// The claims go to CH3 Carillon, which no other test claims for.
/// </summary>
[Collection(YearClosers.Name)]
public sealed class AuditTrailTests(FinanceServiceFixture finance)
{
    private const string Service = "/llr.finance.v1.FinanceService/";
    private const string Pcn = "pcns/ch3-carillon";
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    [Fact]
    public async Task An_accepted_claim_leaves_one_ok_record_its_replay_a_marked_one_and_a_refused_claim_its_status_alone()
    {
        var request = new CreateArrsClaimRequest
            { Parent = Pcn, Claim = ArrsTests.Claim("2021-22", ArrsRole.ClinicalPharmacist, "1", 6, 40_000m), RequestId = NewRequestId() };
        var accepted = AuditRows.Accepted(Service + "CreateArrsClaim", Pcn, request.RequestId);

        await _client.CreateArrsClaimAsync(request);
        await _client.CreateArrsClaimAsync(request);

        (await AuditRows.OfRequestAsync(finance.Database, request.RequestId)).ShouldBe([accepted, accepted with { Replay = true }]);

        var claimsBefore = await finance.CountAsync("SELECT count(*) FROM arrs_claims WHERE pcn_id = 'ch3-carillon'");
        var tooMuch = new CreateArrsClaimRequest
            { Parent = Pcn, Claim = ArrsTests.Claim("2021-22", ArrsRole.SocialPrescriber, "40", 12, 50_000m), RequestId = NewRequestId() };
        (await RpcAssert.FailsPrecondition(async () => await _client.CreateArrsClaimAsync(tooMuch))).Type.ShouldBe("ARRS_ENTITLEMENT_EXCEEDED");

        (await AuditRows.OfRequestAsync(finance.Database, tooMuch.RequestId)).ShouldBe([
            AuditRows.Accepted(Service + "CreateArrsClaim", Pcn, tooMuch.RequestId) with { Outcome = "FAILED_PRECONDITION" }]);
        (await finance.CountAsync("SELECT count(*) FROM arrs_claims WHERE pcn_id = 'ch3-carillon'")).ShouldBe(claimsBefore);
    }

    [Fact]
    public async Task A_rate_set_is_recorded_against_the_rate_and_a_malformed_one_as_invalid()
    {
        const string rate = "fundingStreams/core-pcn-funding/rates/2023-24";
        var request = new UpdateFundingRateRequest
            { FundingRate = new FundingRate { Name = rate, RatePerHead = Gbp(1.60m) }, RequestId = NewRequestId() };
        var malformed = new UpdateFundingRateRequest
            { FundingRate = new FundingRate { Name = rate, RatePerHead = Gbp(-1m) }, RequestId = NewRequestId() };

        await _client.UpdateFundingRateAsync(request);
        await RpcAssert.FailsWithFieldViolations(async () => await _client.UpdateFundingRateAsync(malformed));

        (await AuditRows.OfRequestAsync(finance.Database, request.RequestId))
            .ShouldBe([AuditRows.Accepted(Service + "UpdateFundingRate", rate, request.RequestId)]);
        (await AuditRows.OfRequestAsync(finance.Database, malformed.RequestId))
            .ShouldBe([AuditRows.Accepted(Service + "UpdateFundingRate", rate, malformed.RequestId) with { Outcome = "INVALID_ARGUMENT" }]);
        (await finance.CountAsync("SELECT count(*) FROM platform.idempotent_requests WHERE request_id = $1::uuid", malformed.RequestId))
            .ShouldBe(0);
    }

    [Fact]
    public async Task Closing_a_year_is_recorded_and_listed_with_the_services_other_writes()
    {
        var request = new CloseFinancialYearRequest { Name = "financialYears/2023-24", RequestId = NewRequestId() };

        await _client.CloseFinancialYearAsync(request);

        (await AuditRows.OfRequestAsync(finance.Database, request.RequestId))
            .ShouldBe([AuditRows.Accepted(Service + "CloseFinancialYear", "financialYears/2023-24", request.RequestId)]);
        var listed = await _client.ListAuditRecordsAsync(new ListAuditRecordsRequest { Resource = "financialYears/2023-24" });
        listed.AuditRecords.Where(record => record.RequestId == request.RequestId).ShouldHaveSingleItem().Outcome
            .ShouldBe(Google.Rpc.Code.Ok);
        listed.NextPageToken.ShouldBe("");
    }
}
