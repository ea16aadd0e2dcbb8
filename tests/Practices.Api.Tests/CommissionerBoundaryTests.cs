using Llr.Practices.V1;
using Platform.Testing;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// LLR's PCNs "offer 100% coverage of LLR practices and are situated within local authority boundaries" (004:325-327):
/// a practice may only move into a PCN of its own commissioner, and moving never changes its commissioner.
/// </summary>
public sealed class CommissionerBoundaryTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;

    [Fact]
    public async Task A_city_practice_cannot_move_into_a_county_pcn_and_stays_a_city_practice()
    {
        // The Hedges (LLR126) is a Leicester City practice (Appendix 3 lists it under Leicester City South, 000:1896);
        // Harborough is an East Leicestershire & Rutland PCN (000:1875).
        var violation = await RpcAssert.FailsPrecondition(async () => await _client.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR126",
            TargetPcn = "pcns/harborough",
            EffectiveDate = Date(2023, 4, 1),
            RequestId = NewRequestId(),
        }));

        violation.Type.ShouldBe("PCN_WITHIN_COMMISSIONER_BOUNDARY");
        violation.Subject.ShouldBe("practices/LLR126");
        violation.Description.ShouldContain("004:325-327");
        var practice = await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR126", AsAtDate = Date(2023, 4, 1) });
        practice.Ccg.ShouldBe(Ccg.LeicesterCity);
        practice.Pcn.ShouldBe("pcns/leicester-city-south");
    }

    [Fact]
    public async Task A_county_practice_cannot_merge_into_a_city_practice()
    {
        var violation = await RpcAssert.FailsPrecondition(async () => await _client.MergePracticesAsync(new MergePracticesRequest
        {
            Successor = "practices/LLR126",
            Predecessors = { "practices/LLR001" },
            EffectiveDate = Date(2023, 4, 1),
            RequestId = NewRequestId(),
        }));

        violation.Type.ShouldBe("PCN_WITHIN_COMMISSIONER_BOUNDARY");
        violation.Subject.ShouldBe("practices/LLR001");
    }
}
