using Platform.Testing;
using Grpc.Core;
using Llr.Finance.V1;
using Llr.Practices.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Platform.Testing.ProtoValues;
using PopulationSource = Llr.Finance.V1.PopulationSource;

namespace Finance.Api.Tests;

/// <summary>
/// Finance keeps its own copy of the registry's populations, built from the registry's API when it starts and kept
/// current from the registry's events over RabbitMQ. These tests change the registry through its own gRPC API and watch
/// Finance follow (within a bounded wait), and stop the registry to see Finance keep answering. Each change uses PCNs no
/// other test asserts absolute figures for: salutem; aegis-healthcare and millennium; belgrave-spinney and the-leicester-foxes;
/// leicester-city-university; leicester-central; city-care-alliance. Every change is dated so that it reaches only 2021-22
/// and later, except Asquith's (every year), which is undone at the end, since AllocationTests expects LLR's 2019-20 and
/// 2020-21 as the documents give them. Transfers move practices of known size between PCNs whose every list is known
/// (paid on their lists' sum), where the registry's population rules all agree.
/// </summary>
[Collection(AllocationWriters.Name)]
public sealed class RegistryFollowingTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _finance = finance.Finance;
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _registry = finance.Registry;

    [Theory]
    [InlineData("rutland")]
    [InlineData("north-west-leicestershire")]
    [InlineData("leicester-city-south")]
    [InlineData("leicester-health-focus")]
    [InlineData("soar-valley")]
    public async Task Finance_pays_each_pcn_on_the_population_the_registry_reports_on_the_years_reference_date(string pcn)
    {
        foreach (var year in Documents.Years)
        {
            var allocation = await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{year}" });
            var line = allocation.Lines[0];
            var registry = await _registry.GetPcnAsync(new GetPcnRequest { Name = $"pcns/{pcn}", AsAtDate = line.ReferenceDate });

            allocation.Lines.ShouldAllBe(l => l.Population == registry.Population.Patients, $"{pcn} {year}");
            line.PopulationSource.ShouldBe(registry.Population.Basis == PopulationBasis.Stated ? PopulationSource.Stated : PopulationSource.Computed, $"{pcn} {year}");
            allocation.Ccg.ShouldBe($"ccgs/{registry.Ccg switch
            {
                Ccg.LeicesterCity => "leicester-city",
                Ccg.EastLeicestershireAndRutland => "east-leicestershire-rutland",
                _ => "west-leicestershire",
            }}");
        }
    }

    [Fact]
    public async Task A_new_list_size_moves_the_pcns_allocation_from_its_date_and_not_before()
    {
        // Johnson MP (LLR098) lists 12,721 patients (000_0b818a8f861e84b5.txt:492); Salutem's four practices sum to 35,455
        // (000:1891). A new size of 13,000 as at 15 January 2021 adds 279 from then on: to 2021-22 (list of 1 April 2021)
        // and after, not to 2019-20 or 2020-21 (lists of 1 July 2019 and 1 April 2020).
        var before = await AllocationsAsync("salutem");
        before["2021-22"].Lines.ShouldAllBe(line => line.Population == 35_455 && line.PopulationSource == PopulationSource.Computed);

        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR098",
            ListSize = new ListSize { AsAtDate = Date(2021, 1, 15), RegisteredPatients = 13_000 },
            RequestId = NewRequestId(),
        });

        var after = await Eventually.Until(() => AllocationsAsync("salutem"), allocations => allocations["2021-22"].Lines[0].Population != 35_455,
            "Finance's 2021-22 allocation for salutem follows the new list size");
        // Each line at the documents' rates (Documents.Rates) on 35,455 + 279 = 35,734 patients, then the total rounded once.
        var expected = new Dictionary<string, (decimal[] Lines, decimal Total)>
        {
            // 2021-22: 35,734 × 1.761 = 62,927.574, 6.84 = 244,420.56, 0.684 = 24,442.056, 1.464 = 52,314.576, 1.50 = 53,601.00, 6 = 214,404,
            //   2.50 = 89,335.00; total 741,444.766 → 741,444.77 (was 35,455 × 20.749 = 735,655.795 → 735,655.80)
            ["2021-22"] = ([62_927.57m, 244_420.56m, 24_442.06m, 52_314.58m, 53_601.00m, 214_404.00m, 89_335.00m], 741_444.77m),
            // 2022-23: 35,734 × 1.761 = 62,927.574, 10.38 = 370,918.92, 0.684 = 24,442.056, 1.464 = 52,314.576, 1.50 = 53,601.00, 6 = 214,404,
            //   3.75 = 134,002.50; total 912,610.626 → 912,610.63 (was 35,455 × 25.539 = 905,485.245 → 905,485.25)
            ["2022-23"] = ([62_927.57m, 370_918.92m, 24_442.06m, 52_314.58m, 53_601.00m, 214_404.00m, 134_002.50m], 912_610.63m),
            // 2023-24: 35,734 × 1.761 = 62,927.574, 14.52 = 518,857.68, 0.684 = 24,442.056, 1.464 = 52,314.576, 1.50 = 53,601.00, 6 = 214,404,
            //   5.00 = 178,670.00; total 1,105,216.886 → 1,105,216.89 (was 35,455 × 30.929 = 1,096,587.695 → 1,096,587.70)
            ["2023-24"] = ([62_927.57m, 518_857.68m, 24_442.06m, 52_314.58m, 53_601.00m, 214_404.00m, 178_670.00m], 1_105_216.89m),
        };
        var totalsBefore = new Dictionary<string, decimal> { ["2021-22"] = 735_655.80m, ["2022-23"] = 905_485.25m, ["2023-24"] = 1_096_587.70m };
        foreach (var (year, (lines, total)) in expected)
        {
            Pounds(before[year].Total).ShouldBe(totalsBefore[year], year);
            var allocation = after[year];
            allocation.Lines.ShouldAllBe(line => line.Population == 35_734, year);
            allocation.Lines.Select(line => Pounds(line.Amount)).ShouldBe(lines, year);
            Pounds(allocation.Total).ShouldBe(total, year);
        }
        after["2019-20"].ShouldBe(before["2019-20"]);
        after["2020-21"].ShouldBe(before["2020-21"]);

        // Finance now agrees with the registry on the 2021-22 list.
        var registry = await _registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem", AsAtDate = Date(2021, 4, 1) });
        registry.Population.Patients.ShouldBe(35_734);
        (await _registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem", AsAtDate = Date(2020, 4, 1) })).Population.Patients.ShouldBe(35_455);

        // LLR's 2021-22 allocation lists salutem as its own allocation does.
        var llr = await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2021-22" });
        var salutem = llr.Pcns.Single(pcn => pcn.Pcn == "pcns/salutem");
        salutem.Population.ShouldBe(35_734);
        Pounds(salutem.Total).ShouldBe(741_444.77m);
    }

    [Fact]
    public async Task A_transfer_moves_money_between_the_two_pcns_from_its_date_and_leaves_llr_whole()
    {
        // Heatherbrook Surgery (LLR106, 3,441 patients, 000:496) leaves Aegis Healthcare (41,104, 000:1892) for
        // Millennium (50,971, 000:1893) on 1 October 2022: 2023-24 (list of 1 April 2023) moves, 2022-23 (1 April 2022) does not.
        var aegisBefore = await AllocationsAsync("aegis-healthcare");
        var millenniumBefore = await AllocationsAsync("millennium");
        var llrBefore = await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2023-24" });

        var transfer = await _registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR106", TargetPcn = "pcns/millennium", EffectiveDate = Date(2022, 10, 1), RequestId = NewRequestId(),
        });
        transfer.Practice.Pcn.ShouldBe("pcns/millennium");

        var aegis = await Eventually.Until(() => AllocationsAsync("aegis-healthcare"), a => a["2023-24"].Lines[0].Population == 41_104 - 3_441,
            "Finance's 2023-24 allocation for aegis-healthcare loses Heatherbrook");
        var millennium = await Eventually.Until(() => AllocationsAsync("millennium"), a => a["2023-24"].Lines[0].Population == 50_971 + 3_441,
            "Finance's 2023-24 allocation for millennium gains Heatherbrook");

        // 2023-24 pays 30.929 a patient (1.761 + 14.52 + 0.684 + 1.464 + 1.50 + 6 + 5.00, Documents.Rates), so Heatherbrook's
        // 3,441 carry 106,426.689. Aegis: 41,104 × 30.929 = 1,271,305.616 → 1,271,305.62, then 37,663 × 30.929 = 1,164,878.927
        // → 1,164,878.93. Millennium: 50,971 × 30.929 = 1,576,482.059 → 1,576,482.06, then 54,412 × 30.929 = 1,682,908.748
        // → 1,682,908.75. Each loses or gains 106,426.69.
        Pounds(aegisBefore["2023-24"].Total).ShouldBe(1_271_305.62m);
        Pounds(aegis["2023-24"].Total).ShouldBe(1_164_878.93m);
        Pounds(millenniumBefore["2023-24"].Total).ShouldBe(1_576_482.06m);
        Pounds(millennium["2023-24"].Total).ShouldBe(1_682_908.75m);
        // Line by line, in Table 5's order: 37,663 and 54,412 × each rate.
        aegis["2023-24"].Lines.Select(line => Pounds(line.Amount)).ShouldBe(
            // 66,324.543, 546,866.76, 25,761.492, 55,138.632, 56,494.50, 225,978, 188,315
            [66_324.54m, 546_866.76m, 25_761.49m, 55_138.63m, 56_494.50m, 225_978.00m, 188_315.00m]);
        millennium["2023-24"].Lines.Select(line => Pounds(line.Amount)).ShouldBe(
            // 95,819.532, 790,062.24, 37,217.808, 79,659.168, 81,618.00, 326,472, 272,060
            [95_819.53m, 790_062.24m, 37_217.81m, 79_659.17m, 81_618.00m, 326_472.00m, 272_060.00m]);

        var llrAfter = await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2023-24" });
        Pounds(llrAfter.LlrTotal).ShouldBe(Pounds(llrBefore.LlrTotal));
        llrAfter.LlrPopulation.ShouldBe(llrBefore.LlrPopulation);
        llrAfter.LlrStreams.Select(stream => Pounds(stream.Computed)).ShouldBe(llrBefore.LlrStreams.Select(stream => Pounds(stream.Computed)));

        foreach (var year in new[] { "2019-20", "2020-21", "2021-22", "2022-23" })
        {
            aegis[year].ShouldBe(aegisBefore[year], year);
            millennium[year].ShouldBe(millenniumBefore[year], year);
        }
    }

    [Fact]
    public async Task A_list_size_dated_before_a_transfer_keeps_the_transfer_in_finances_copy()
    {
        // Canon St (LLR080, 3,197 patients, 000_0b818a8f861e84b5.txt:481) leaves Belgrave & Spinney (45,774, 000:1888) for
        // The Leicester Foxes (33,498, 000:487; 000:1889 misprints it "33.498") on 1 October 2022.
        await _registry.TransferPracticeAsync(new TransferPracticeRequest
        {
            Name = "practices/LLR080", TargetPcn = "pcns/the-leicester-foxes", EffectiveDate = Date(2022, 10, 1), RequestId = NewRequestId(),
        });
        await Eventually.Until(() => AllocationsAsync("belgrave-spinney"), a => a["2023-24"].Lines[0].Population == 45_774 - 3_197,
            "Finance's 2023-24 allocation for belgrave-spinney loses Canon St");

        // Then a list size is recorded for an earlier date: Broadhurst Surgery (LLR082, 4,029, 000:484) has 4,100 from
        // 15 January 2021, 71 more, when Canon St was still in Belgrave & Spinney.
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR082",
            ListSize = new ListSize { AsAtDate = Date(2021, 1, 15), RegisteredPatients = 4_100 },
            RequestId = NewRequestId(),
        });
        await Eventually.Until(() => AllocationsAsync("belgrave-spinney"), a => a["2021-22"].Lines[0].Population == 45_774 + 71,
            "Finance's 2021-22 allocation for belgrave-spinney follows Broadhurst's new size");

        // Both changes stand in the registry: from April 2023 Belgrave & Spinney has Broadhurst's new size and not Canon St.
        var registry = await _registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/belgrave-spinney", AsAtDate = Date(2023, 4, 1) });
        registry.Population.Patients.ShouldBe(45_774 - 3_197 + 71);
        // Finance's copy must agree: the earlier-dated event does not undo the later transfer.
        var allocations = await AllocationsAsync("belgrave-spinney");
        allocations["2023-24"].Lines[0].Population.ShouldBe(registry.Population.Patients,
            "Finance pays Belgrave & Spinney 2023-24 on a list that still counts Canon St, which the Foxes are also paid for");
        allocations["2022-23"].Lines[0].Population.ShouldBe(45_774 + 71);
    }

    [Fact]
    public async Task Participation_and_additional_roles_are_paid_on_weighted_lists_once_every_member_has_one()
    {
        // Leicester City & University: De Montfort University 22,379 and Victoria Park HC 22,855 registered (000:518-519),
        // 45,234 in all (000:1895). Weighted lists from 15 January 2021: 23,000 and 21,500, 44,500 in all.
        const string pcn = "pcns/leicester-city-university";
        var before = await AllocationsAsync("leicester-city-university");
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR123",
            ListSize = new ListSize { AsAtDate = Date(2021, 1, 15), RegisteredPatients = 22_379, WeightedPatients = 23_000 },
            RequestId = NewRequestId(),
        });
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR124",
            ListSize = new ListSize { AsAtDate = Date(2021, 1, 15), RegisteredPatients = 22_855, WeightedPatients = 21_500 },
            RequestId = NewRequestId(),
        });

        var after = await Eventually.Until(() => AllocationsAsync("leicester-city-university"),
            a => a["2021-22"].Lines.Single(line => line.FundingStream == "fundingStreams/pcn-participation").BasisUsed == PatientBasis.Weighted,
            "Finance pays leicester-city-university's participation on its weighted list");

        // Participation is owed per weighted patient (£1.761pwp, 004_019362184b449183.txt:3041): 1.761 × 44,500 = £78,364.50.
        var participation = after["2021-22"].Lines.Single(line => line.FundingStream == "fundingStreams/pcn-participation");
        participation.Population.ShouldBe(44_500);
        Pounds(participation.Amount).ShouldBe(78_364.50m);
        // Every other stream is paid per registered patient, on the unchanged 45,234.
        after["2021-22"].Lines.Where(line => line != participation)
            .ShouldAllBe(line => line.BasisUsed == PatientBasis.Registered && line.Population == 45_234);
        after["2020-21"].ShouldBe(before["2020-21"]);

        // The Additional Roles entitlement is paid per weighted list too (002_2309aa3900b6bf7c.txt:181 "paid per weighted
        // list of a PCN"): £342,000 × 44,500 / 50,000 = £304,380.00.
        var entitlement = await _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"{pcn}/arrsEntitlements/2021-22" });
        entitlement.BasisUsed.ShouldBe(PatientBasis.Weighted);
        entitlement.Population.ShouldBe(44_500);
        Pounds(entitlement.Entitlement).ShouldBe(304_380.00m);
        var lastYear = await _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"{pcn}/arrsEntitlements/2020-21" });
        lastYear.BasisUsed.ShouldBe(PatientBasis.Registered);
        lastYear.Population.ShouldBe(45_234);
    }

    [Fact]
    public async Task A_list_that_shrinks_after_the_years_claims_leaves_a_negative_remainder_and_refuses_more()
    {
        // Leicester Central: 51,058 (000:1890). 2022-23 entitlement £519,000 (002:181) × 51,058 / 50,000 = £529,982.04,
        // all of it claimed (70% of £757,117.20).
        const string pcn = "pcns/leicester-central";
        var entitlement = await _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"{pcn}/arrsEntitlements/2022-23" });
        Pounds(entitlement.Entitlement).ShouldBe(529_982.04m);
        var claim = await _finance.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = ArrsTests.Claim("2022-23", ArrsRole.ClinicalPharmacist, "1", 12, 757_117.20m), RequestId = NewRequestId() });
        Pounds(claim.Reimbursed).ShouldBe(529_982.04m);

        // Then Community Health Centre (LLR090, 12,608, 000:478) is found to list 10,000 from 1 January 2022: 2,608 fewer.
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR090",
            ListSize = new ListSize { AsAtDate = Date(2022, 1, 1), RegisteredPatients = 10_000 },
            RequestId = NewRequestId(),
        });
        var shrunk = await Eventually.Until(
            () => _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = $"{pcn}/arrsEntitlements/2022-23" }).ResponseAsync,
            e => e.Population != 51_058, "Finance's 2022-23 entitlement for leicester-central follows the smaller list");

        // £519,000 × 48,450 / 50,000 = £502,911.00; the accepted claim stands, so £27,071.04 is over-claimed.
        shrunk.Population.ShouldBe(48_450);
        Pounds(shrunk.Entitlement).ShouldBe(502_911.00m);
        Pounds(shrunk.Claimed).ShouldBe(529_982.04m);
        Pounds(shrunk.Remaining).ShouldBe(-27_071.04m);
        var violation = await RpcAssert.FailsPrecondition(async () => await _finance.CreateArrsClaimAsync(new CreateArrsClaimRequest
            { Parent = pcn, Claim = ArrsTests.Claim("2022-23", ArrsRole.SocialPrescriber, "1", 1, 1_200m), RequestId = NewRequestId() }));
        violation.Type.ShouldBe("ARRS_ENTITLEMENT_EXCEEDED");
        violation.Description.ShouldContain("£0.00");
        violation.Description.ShouldContain(Format(502_911.00m));
        (await _finance.ListArrsClaimsAsync(new ListArrsClaimsRequest { Parent = pcn })).Claims.ShouldHaveSingleItem().ShouldBe(claim);
    }

    [Fact]
    public async Task A_list_size_dated_before_the_practice_joined_its_pcn_still_reaches_finance()
    {
        // Asquith Surgery (LLR121, 4,095 patients on 20 June 2019, 000_0b818a8f861e84b5.txt:506) is found to have listed
        // 4,200 on 25 June 2019: before the networks started on 1 July 2019 (000:1164), but the latest list on 1 July 2019
        // and after. City Care Alliance (38,589, 000:1894) gains 105 patients in every year.
        try
        {
            await RecordAsquithAsync(Date(2019, 6, 25), 4_200);
            var registry = await _registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/city-care-alliance", AsAtDate = Date(2019, 7, 1) });
            registry.Population.Patients.ShouldBe(38_589 + 105);

            var allocations = await Eventually.Until(() => AllocationsAsync("city-care-alliance"),
                a => a.Values.All(allocation => allocation.Lines[0].Population == 38_589 + 105),
                "Finance's allocations for city-care-alliance follow Asquith's 25 June 2019 list (the registry's ListSizeRecorded " +
                "event names no affected PCN, as the practice had none on that date, so Finance never hears of it)");
            allocations["2019-20"].Lines[0].Population.ShouldBe(registry.Population.Patients);
            // 2020-21 pays 10.919 a patient (Documents.Rates): 38,694 × 10.919 = 422,499.786 → £422,499.79.
            Pounds(allocations["2020-21"].Total).ShouldBe(422_499.79m);
        }
        finally
        {
            // A change to every year of one PCN changes LLR's every year: the 4,095 the document prints is recorded again,
            // as the latest list before 1 July 2019, so the tests that expect the documents' 2019-20 and 2020-21 find them.
            await RecordAsquithAsync(Date(2019, 6, 26), 4_095);
        }

        // 38,589 × 10.919 = 421,353.291 → £421,353.29 again.
        var restored = await Eventually.Until(() => AllocationsAsync("city-care-alliance"),
            a => a.Values.All(allocation => allocation.Lines[0].Population == 38_589),
            "Finance's allocations for city-care-alliance follow Asquith's printed list recorded again");
        Pounds(restored["2020-21"].Total).ShouldBe(421_353.29m);
    }

    private async Task RecordAsquithAsync(Google.Type.Date asAt, long patients) =>
        await _registry.CreateListSizeAsync(new CreateListSizeRequest
        {
            Parent = "practices/LLR121",
            ListSize = new ListSize { AsAtDate = asAt, RegisteredPatients = patients },
            RequestId = NewRequestId(),
        });

    [Fact]
    public async Task Finance_keeps_answering_from_its_own_copy_while_the_registry_is_down()
    {
        var allocationBefore = await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/rutland/allocations/2021-22" });
        var entitlementBefore = await _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/rutland/arrsEntitlements/2021-22" });

        try
        {
            await finance.StopAsync("practices", TestContext.Current.CancellationToken);
            // The registry does not answer. (Aspire's proxy keeps its port open while it is stopped, so a caller
            // meets its own deadline rather than a refused connection.)
            var down = await Should.ThrowAsync<RpcException>(async () => await _registry.GetPcnAsync(
                new GetPcnRequest { Name = "pcns/rutland" }, deadline: DateTime.UtcNow.AddSeconds(3)));
            down.StatusCode.ShouldBeOneOf(StatusCode.Unavailable, StatusCode.DeadlineExceeded);

            (await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/rutland/allocations/2021-22" })).ShouldBe(allocationBefore);
            (await _finance.GetArrsEntitlementAsync(new GetArrsEntitlementRequest { Name = "pcns/rutland/arrsEntitlements/2021-22" })).ShouldBe(entitlementBefore);
            (await _finance.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2021-22" })).Pcns.Count.ShouldBe(25);
            (await _finance.GetReconciliationReportAsync(new GetReconciliationReportRequest { Name = "reconciliationReports/2021-22" })).Lines.Count.ShouldBe(7);
            var health = new Grpc.Health.V1.Health.HealthClient(finance.FinanceChannel);
            (await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: TestContext.Current.CancellationToken)).Status
                .ShouldBe(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
        }
        finally
        {
            await finance.StartAsync("practices", TestContext.Current.CancellationToken);
        }

        // The registry is back for whatever runs next.
        (await Eventually.Until(async () =>
            {
                try { return (await _registry.GetPcnAsync(new GetPcnRequest { Name = "pcns/rutland" })).Name; }
                catch (RpcException) { return ""; }
            }, name => name == "pcns/rutland", "the registry answers again", TimeSpan.FromSeconds(30)))
            .ShouldBe("pcns/rutland");
    }

    private async Task<Dictionary<string, PcnAllocation>> AllocationsAsync(string pcn)
    {
        var allocations = new Dictionary<string, PcnAllocation>();
        foreach (var year in Documents.Years)
            allocations[year] = await _finance.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{year}" });
        return allocations;
    }
}
