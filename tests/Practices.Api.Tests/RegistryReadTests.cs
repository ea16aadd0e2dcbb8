using Platform.Testing;
using Grpc.Core;
using Llr.Practices.V1;
using Shouldly;
using static Platform.Testing.ProtoValues;

namespace Practices.Api.Tests;

/// <summary>
/// The registry as loaded from the documents, read over real gRPC from a real PostgreSQL. Expected figures cite the
/// seed document lines (see src/Practices/Practices.Api/SeedData/README.md).
/// </summary>
public sealed class RegistryReadTests(RegistryServiceFixture registry)
{
    private readonly PracticeRegistryService.PracticeRegistryServiceClient _client = registry.Client;
    private static readonly Google.Type.Date AfterLaunch = Date(2020, 1, 1);

    [Fact]
    public async Task Lists_all_25_pcns_of_the_three_ccgs_page_by_page()
    {
        var pcns = new List<Pcn>();
        var token = "";
        var pages = 0;
        do
        {
            var page = await _client.ListPcnsAsync(new ListPcnsRequest { PageSize = 10, PageToken = token, AsAtDate = AfterLaunch });
            pcns.AddRange(page.Pcns);
            token = page.NextPageToken;
            pages++;
        } while (token != "");

        pages.ShouldBe(3);
        pcns.Count.ShouldBe(25);
        pcns.Select(pcn => pcn.Name).ShouldBeUnique();
        pcns.Count(pcn => pcn.Ccg == Ccg.LeicesterCity).ShouldBe(10);
        pcns.Count(pcn => pcn.Ccg == Ccg.EastLeicestershireAndRutland).ShouldBe(7);
        pcns.Count(pcn => pcn.Ccg == Ccg.WestLeicestershire).ShouldBe(8);
        pcns.ShouldAllBe(pcn => pcn.ClinicalDirector != "" && pcn.Members.Count > 0);
    }

    [Fact]
    public async Task A_city_pcn_shows_its_computed_list_size_beside_the_stated_total()
    {
        // Belgrave & Spinney: five practices summing to 45,774, the Appendix 3 figure (000:1888).
        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/belgrave-spinney", AsAtDate = AfterLaunch });

        pcn.ClinicalDirector.ShouldBe("Dr Prakash Pancholi");
        pcn.Members.Count.ShouldBe(5);
        pcn.StatedPopulation.Total.ShouldBe(45_774);
        pcn.ComputedListSize.RegisteredPatients.ShouldBe(45_774);
        pcn.ComputedListSize.PracticesWithoutSize.ShouldBe(0);
        pcn.DifferenceFromStated.ShouldBe(0);
        pcn.Population.ShouldBe(new Population { Patients = 45_774, Basis = PopulationBasis.Computed });
        pcn.SizeRule.Status.ShouldBe(SizeStatus.WithinRange);
    }

    [Fact]
    public async Task A_pcn_missing_a_member_size_uses_its_stated_total_and_claims_no_difference()
    {
        // Leicester City South: Walnut St MC has no printed size; stated 35,417 (000:1896).
        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/leicester-city-south", AsAtDate = AfterLaunch });

        pcn.ComputedListSize.PracticesWithoutSize.ShouldBe(1);
        pcn.HasDifferenceFromStated.ShouldBeFalse();
        // The five known sizes sum to 30,904 (000:519-523); the stated total stands for Walnut St's 4,513 beside them.
        pcn.Population.ShouldBe(new Population { Patients = 35_417, Basis = PopulationBasis.Stated, StatedRemainder = 4_513 });
    }

    [Fact]
    public async Task North_west_leicestershire_keeps_its_three_stated_sub_totals()
    {
        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/north-west-leicestershire", AsAtDate = AfterLaunch });

        pcn.StatedPopulation.Parts.Select(part => part.Population).ShouldBe([42_823, 37_319, 27_724], ignoreOrder: true);
        pcn.StatedPopulation.Total.ShouldBe(107_866);
        pcn.StatedPopulation.Parts.ShouldAllBe(part => part.Source.StartsWith("000_0b818a8f861e84b5.txt:"));
        pcn.SizeRule.Status.ShouldBe(SizeStatus.AboveMaximum);
    }

    [Fact]
    public async Task Before_the_networks_started_no_pcn_existed_and_no_practice_belonged_to_one()
    {
        // PCNs began with the contract on 1 July 2019 (000:1164).
        var error = await RpcAssert.FailsWith(StatusCode.NotFound,
            async () => await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem", AsAtDate = Date(2019, 6, 1) }));
        error.Status.Detail.ShouldBe("pcns/salutem did not exist on 2019-06-01: it began on 2019-07-01.");
        (await _client.ListPcnsAsync(new ListPcnsRequest { AsAtDate = Date(2019, 6, 30) })).Pcns.ShouldBeEmpty();

        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/salutem", AsAtDate = Date(2019, 7, 1) });
        pcn.StartDate.ShouldBe(Date(2019, 7, 1));
        var practice = await _client.GetPracticeAsync(new GetPracticeRequest { Name = pcn.Members[0].Practice, AsAtDate = Date(2019, 6, 30) });
        practice.Pcn.ShouldBeEmpty();
        practice.Ccg.ShouldBe(Ccg.LeicesterCity, "the practice's commissioner is its own, known from the Appendix 3 date (2019-06-20)");
    }

    [Fact]
    public async Task Every_list_size_says_how_old_it_is()
    {
        // As at 2030 the registry still has only the 2019 sizes (Appendix 3 date, 20 June 2019): the answer says so.
        var pcn = await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/leicester-health-focus", AsAtDate = Date(2030, 1, 1) });

        pcn.Members.ShouldAllBe(member => member.ListSizeDate.Equals(Date(2019, 6, 20)));
        pcn.ComputedListSize.OldestListSizeDate.ShouldBe(Date(2019, 6, 20));
        pcn.ComputedListSize.NewestListSizeDate.ShouldBe(Date(2019, 6, 20));
    }

    [Fact]
    public async Task Practices_filter_by_pcn_and_by_ccg_and_page_with_tokens()
    {
        var foxes = await _client.ListPracticesAsync(new ListPracticesRequest { Pcn = "pcns/the-leicester-foxes", AsAtDate = AfterLaunch });
        foxes.Practices.ShouldAllBe(practice => practice.Pcn == "pcns/the-leicester-foxes" && practice.Ccg == Ccg.LeicesterCity);
        foxes.Practices.Count.ShouldBe(7);

        var county = new List<Practice>();
        var token = "";
        do
        {
            var page = await _client.ListPracticesAsync(new ListPracticesRequest { Ccg = Ccg.EastLeicestershireAndRutland, PageSize = 8, PageToken = token, AsAtDate = AfterLaunch });
            page.Practices.Count.ShouldBeLessThanOrEqualTo(8);
            county.AddRange(page.Practices);
            token = page.NextPageToken;
        } while (token != "");
        county.Count.ShouldBe(29);
        county.ShouldAllBe(practice => practice.OdsCode == "");
    }

    [Fact]
    public async Task A_city_practice_has_its_ods_code_branch_sites_and_a_sourced_list_size()
    {
        var practices = await _client.ListPracticesAsync(new ListPracticesRequest { Pcn = "pcns/belgrave-spinney", AsAtDate = AfterLaunch });
        var eastPark = practices.Practices.Single(practice => practice.OdsCode == "C82037");

        eastPark.BranchSites.ShouldNotBeEmpty();
        eastPark.LatestListSize.RegisteredPatients.ShouldBe(10_486);
        eastPark.LatestListSize.Source.ShouldStartWith("000_0b818a8f861e84b5.txt:");
        eastPark.State.ShouldBe(PracticeState.Open);

        var same = await _client.GetPracticeAsync(new GetPracticeRequest { Name = eastPark.Name, AsAtDate = AfterLaunch });
        same.ShouldBe(eastPark);
    }

    [Fact]
    public async Task A_practice_is_found_by_its_ods_code_and_a_malformed_code_is_refused()
    {
        var found = await _client.ListPracticesAsync(new ListPracticesRequest { OdsCode = "Y02686", AsAtDate = AfterLaunch });
        found.Practices.Single().DisplayName.ShouldBe("Heron Practice");
        found.Practices.Single().Pcn.ShouldBe("pcns/leicester-central");

        (await _client.ListPracticesAsync(new ListPracticesRequest { OdsCode = "C99999" })).Practices.ShouldBeEmpty();
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListPracticesAsync(new ListPracticesRequest { OdsCode = "c82037" })))
            .ShouldBe(["ods_code"]);
    }

    [Fact]
    public async Task The_data_quality_report_shows_totals_gaps_duplicates_and_size_rule_exceptions()
    {
        var report = await _client.GetDataQualityReportAsync(new GetDataQualityReportRequest { AsAtDate = AfterLaunch });

        report.PcnTotals.Count.ShouldBe(25);
        report.PcnTotals.Single(total => total.Pcn == "pcns/leicester-health-focus").Difference.ShouldBe(-1_000);
        report.PracticesWithoutCode.Count.ShouldBe(78);
        report.PracticesWithoutSize.Count.ShouldBe(78);
        report.DuplicateNames.ShouldContain(duplicate => duplicate.DisplayName == "Forest House" && duplicate.Practices.Count == 2);
        report.SizeRuleExceptions.ShouldContain(exception => exception.Pcn == "pcns/harborough" && exception.Status == SizeStatus.UnderMinimum);
        report.SizeRuleExceptions.ShouldContain(exception => exception.Pcn == "pcns/slam" && exception.Status == SizeStatus.AboveMaximum);
    }

    [Fact]
    public async Task Unknown_resources_are_not_found()
    {
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await _client.GetPcnAsync(new GetPcnRequest { Name = "pcns/atlantis" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () => await _client.GetPracticeAsync(new GetPracticeRequest { Name = "practices/LLR999" }));
        await RpcAssert.FailsWith(StatusCode.NotFound, async () =>
            await _client.ListPracticeMembershipsAsync(new ListPracticeMembershipsRequest { Parent = "practices/LLR999" }));
    }

    [Fact]
    public async Task Malformed_requests_are_invalid_arguments_naming_each_field()
    {
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.GetPracticeAsync(new GetPracticeRequest { Name = "LLR001", AsAtDate = Date(2023, 2, 30) })))
            .ShouldBe(["name", "as_at_date"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListPcnsAsync(new ListPcnsRequest { Ccg = (Ccg)99 })))
            .ShouldBe(["ccg"]);
        (await RpcAssert.FailsWithFieldViolations(async () => await _client.ListPracticesAsync(new ListPracticesRequest { PageToken = "not-a-token", PageSize = -1 })))
            .ShouldBe(["page_size", "page_token"]);
    }

    [Fact]
    public async Task A_hand_made_page_token_is_refused_as_bad_input()
    {
        var forged = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("listSizes|LLR078\nnot-a-date"));

        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListListSizesAsync(new ListListSizesRequest { Parent = "practices/LLR078", PageToken = forged })))
            .ShouldBe(["page_token"]);
    }

    [Fact]
    public async Task A_page_token_cannot_be_replayed_against_another_query()
    {
        var first = await _client.ListPracticesAsync(new ListPracticesRequest { PageSize = 5, AsAtDate = AfterLaunch });

        (await RpcAssert.FailsWithFieldViolations(async () =>
                await _client.ListPracticesAsync(new ListPracticesRequest { PageSize = 5, PageToken = first.NextPageToken, Ccg = Ccg.WestLeicestershire, AsAtDate = AfterLaunch })))
            .ShouldBe(["page_token"]);
    }
}
