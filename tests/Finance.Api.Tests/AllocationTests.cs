using Llr.Finance.V1;
using Shouldly;
using static Finance.Api.Tests.Values;
using static Llr.Finance.V1.PopulationSource;
using static Platform.Testing.ProtoValues;

namespace Finance.Api.Tests;

/// <summary>
/// PCN and system allocations over real gRPC, against figures fixed here: each amount is the documents' rate × the
/// population the documents give × the part-year factor (1 throughout, SeedData README judgement 6), rounded once to
/// the penny, half away from zero, with the arithmetic beside it. The registry and rate tests change populations and
/// rates, so these tests run in their collection (never beside them), and those tests leave 2019-20 and 2020-21 and the
/// PCNs read here (slam, leicester-health-focus, leicester-city-south) as the documents give them.
/// </summary>
[Collection(AllocationWriters.Name)]
public sealed class AllocationTests(FinanceServiceFixture finance)
{
    private readonly FinanceService.FinanceServiceClient _client = finance.Finance;

    /// <summary>
    /// A county PCN on its stated total, a city PCN with every list known, and the city PCN missing one list, every
    /// year: its population, and each line's amount in Table 5's stream order (participation, additional roles, clinical
    /// director, extended hours, core, then improved access and the investment and impact fund where the year has them),
    /// at the rates of <see cref="Documents.Rates"/>.
    /// </summary>
    public static TheoryData<string, string, long, PopulationSource, decimal[], decimal> PcnYears() => new()
    {
        // SLAM: no member's list is printed, so the registry pays its Appendix 3 total, 69,519
        // (000_0b818a8f861e84b5.txt:1871).
        // 2019-20: 69,519 × 1.761 = 122,422.959, 1.44 = 100,107.36, 0.514 = 35,732.766, 1.099 = 76,401.381, 1.50 = 104,278.50; total
        //   438,942.966 → 438,942.97.
        { "slam", "2019-20", 69_519, PopulationSource.Stated,
            [122_422.96m, 100_107.36m, 35_732.77m, 76_401.38m, 104_278.50m], 438_942.97m },
        // 2020-21: 69,519 × 1.761 = 122,422.959, 4.26 = 296,150.94, 0.684 = 47,550.996, 1.464 = 101,775.816, 1.50 = 104,278.50, 1.25 =
        //   86,898.75; total 759,077.961 → 759,077.96 (the rounded lines sum to 759,077.97).
        { "slam", "2020-21", 69_519, PopulationSource.Stated,
            [122_422.96m, 296_150.94m, 47_551.00m, 101_775.82m, 104_278.50m, 86_898.75m], 759_077.96m },
        // 2021-22: 69,519 × 1.761 = 122,422.959, 6.84 = 475,509.96, 0.684 = 47,550.996, 1.464 = 101,775.816, 1.50 = 104,278.50, 6 = 417,114,
        //   2.50 = 173,797.50; total 1,442,449.731 → 1,442,449.73 (the rounded lines sum to 1,442,449.74).
        { "slam", "2021-22", 69_519, PopulationSource.Stated,
            [122_422.96m, 475_509.96m, 47_551.00m, 101_775.82m, 104_278.50m, 417_114.00m, 173_797.50m], 1_442_449.73m },
        // 2022-23: 69,519 × 1.761 = 122,422.959, 10.38 = 721,607.22, 0.684 = 47,550.996, 1.464 = 101,775.816, 1.50 = 104,278.50, 6 = 417,114,
        //   3.75 = 260,696.25; total 1,775,445.741 → 1,775,445.74 (the rounded lines sum to 1,775,445.75).
        { "slam", "2022-23", 69_519, PopulationSource.Stated,
            [122_422.96m, 721_607.22m, 47_551.00m, 101_775.82m, 104_278.50m, 417_114.00m, 260_696.25m], 1_775_445.74m },
        // 2023-24: 69,519 × 1.761 = 122,422.959, 14.52 = 1,009,415.88, 0.684 = 47,550.996, 1.464 = 101,775.816, 1.50 = 104,278.50, 6 =
        //   417,114, 5.00 = 347,595.00; total 2,150,153.151 → 2,150,153.15 (the rounded lines sum to 2,150,153.16).
        { "slam", "2023-24", 69_519, PopulationSource.Stated,
            [122_422.96m, 1_009_415.88m, 47_551.00m, 101_775.82m, 104_278.50m, 417_114.00m, 347_595.00m], 2_150_153.15m },
        // Leicester Health Focus: every list is printed, 8,980 + 9,437 + 8,931 + 10,846 = 38,194 (000:502-505),
        // not the stated 39,194 (000:1897).
        // 2019-20: 38,194 × 1.761 = 67,259.634, 1.44 = 54,999.36, 0.514 = 19,631.716, 1.099 = 41,975.206, 1.50 = 57,291.00; total 241,156.916
        //   → 241,156.92.
        { "leicester-health-focus", "2019-20", 38_194, PopulationSource.Computed,
            [67_259.63m, 54_999.36m, 19_631.72m, 41_975.21m, 57_291.00m], 241_156.92m },
        // 2020-21: 38,194 × 1.761 = 67,259.634, 4.26 = 162,706.44, 0.684 = 26,124.696, 1.464 = 55,916.016, 1.50 = 57,291.00, 1.25 = 47,742.50;
        //   total 417,040.286 → 417,040.29.
        { "leicester-health-focus", "2020-21", 38_194, PopulationSource.Computed,
            [67_259.63m, 162_706.44m, 26_124.70m, 55_916.02m, 57_291.00m, 47_742.50m], 417_040.29m },
        // 2021-22: 38,194 × 1.761 = 67,259.634, 6.84 = 261,246.96, 0.684 = 26,124.696, 1.464 = 55,916.016, 1.50 = 57,291.00, 6 = 229,164, 2.50
        //   = 95,485.00; total 792,487.306 → 792,487.31.
        { "leicester-health-focus", "2021-22", 38_194, PopulationSource.Computed,
            [67_259.63m, 261_246.96m, 26_124.70m, 55_916.02m, 57_291.00m, 229_164.00m, 95_485.00m], 792_487.31m },
        // 2022-23: 38,194 × 1.761 = 67,259.634, 10.38 = 396,453.72, 0.684 = 26,124.696, 1.464 = 55,916.016, 1.50 = 57,291.00, 6 = 229,164,
        //   3.75 = 143,227.50; total 975,436.566 → 975,436.57.
        { "leicester-health-focus", "2022-23", 38_194, PopulationSource.Computed,
            [67_259.63m, 396_453.72m, 26_124.70m, 55_916.02m, 57_291.00m, 229_164.00m, 143_227.50m], 975_436.57m },
        // 2023-24: 38,194 × 1.761 = 67,259.634, 14.52 = 554,576.88, 0.684 = 26,124.696, 1.464 = 55,916.016, 1.50 = 57,291.00, 6 = 229,164,
        //   5.00 = 190,970.00; total 1,181,302.226 → 1,181,302.23.
        { "leicester-health-focus", "2023-24", 38_194, PopulationSource.Computed,
            [67_259.63m, 554_576.88m, 26_124.70m, 55_916.02m, 57_291.00m, 229_164.00m, 190_970.00m], 1_181_302.23m },
        // Leicester City South: Walnut St MC's list is not printed, so its stated 35,417 (000:1896).
        // 2019-20: 35,417 × 1.761 = 62,369.337, 1.44 = 51,000.48, 0.514 = 18,204.338, 1.099 = 38,923.283, 1.50 = 53,125.50; total 223,622.938
        //   → 223,622.94.
        { "leicester-city-south", "2019-20", 35_417, PopulationSource.Stated,
            [62_369.34m, 51_000.48m, 18_204.34m, 38_923.28m, 53_125.50m], 223_622.94m },
        // 2020-21: 35,417 × 1.761 = 62,369.337, 4.26 = 150,876.42, 0.684 = 24,225.228, 1.464 = 51,850.488, 1.50 = 53,125.50, 1.25 = 44,271.25;
        //   total 386,718.223 → 386,718.22 (the rounded lines sum to 386,718.23).
        { "leicester-city-south", "2020-21", 35_417, PopulationSource.Stated,
            [62_369.34m, 150_876.42m, 24_225.23m, 51_850.49m, 53_125.50m, 44_271.25m], 386_718.22m },
        // 2021-22: 35,417 × 1.761 = 62,369.337, 6.84 = 242,252.28, 0.684 = 24,225.228, 1.464 = 51,850.488, 1.50 = 53,125.50, 6 = 212,502, 2.50
        //   = 88,542.50; total 734,867.333 → 734,867.33 (the rounded lines sum to 734,867.34).
        { "leicester-city-south", "2021-22", 35_417, PopulationSource.Stated,
            [62_369.34m, 242_252.28m, 24_225.23m, 51_850.49m, 53_125.50m, 212_502.00m, 88_542.50m], 734_867.33m },
        // 2022-23: 35,417 × 1.761 = 62,369.337, 10.38 = 367,628.46, 0.684 = 24,225.228, 1.464 = 51,850.488, 1.50 = 53,125.50, 6 = 212,502,
        //   3.75 = 132,813.75; total 904,514.763 → 904,514.76 (the rounded lines sum to 904,514.77).
        { "leicester-city-south", "2022-23", 35_417, PopulationSource.Stated,
            [62_369.34m, 367_628.46m, 24_225.23m, 51_850.49m, 53_125.50m, 212_502.00m, 132_813.75m], 904_514.76m },
        // 2023-24: 35,417 × 1.761 = 62,369.337, 14.52 = 514,254.84, 0.684 = 24,225.228, 1.464 = 51,850.488, 1.50 = 53,125.50, 6 = 212,502,
        //   5.00 = 177,085.00; total 1,095,412.393 → 1,095,412.39 (the rounded lines sum to 1,095,412.40).
        { "leicester-city-south", "2023-24", 35_417, PopulationSource.Stated,
            [62_369.34m, 514_254.84m, 24_225.23m, 51_850.49m, 53_125.50m, 212_502.00m, 177_085.00m], 1_095_412.39m },
    };

    [Theory]
    [MemberData(nameof(PcnYears))]
    public async Task Every_line_is_the_documents_rate_times_the_population_to_the_penny_and_the_total_is_rounded_once(
        string pcn, string year, long population, PopulationSource source, decimal[] amounts, decimal total)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/{pcn}/allocations/{year}" });

        allocation.Name.ShouldBe($"pcns/{pcn}/allocations/{year}");
        allocation.Pcn.ShouldBe($"pcns/{pcn}");
        allocation.Year.ShouldBe(year);
        var streams = Documents.StreamsOf(year).ToList();
        allocation.Lines.Select(line => line.FundingStream).ShouldBe(streams.Select(stream => $"fundingStreams/{stream}"));
        amounts.Length.ShouldBe(streams.Count, "one expected amount a stream");
        foreach (var (line, stream, amount) in allocation.Lines.Zip(streams, amounts))
        {
            Pounds(line.RatePerHead).ShouldBe(Documents.Rate(stream, year), stream);
            line.Population.ShouldBe(population, stream);
            line.PopulationSource.ShouldBe(source, stream);
            Number(line.PartYearFactor).ShouldBe(1m, stream);
            Pounds(line.Amount).ShouldBe(amount, stream);
            line.RateSource.ShouldNotBe(RateSource.Unspecified);
            line.DisplayName.ShouldNotBeNullOrEmpty();
        }
        // Rounded once from the exact amounts: where that differs from the sum of the rounded lines, the comment says so.
        Pounds(allocation.Total).ShouldBe(total);
    }

    [Theory]
    [InlineData("2019-20", 2019, 7, 1)] // the contract start, 000:1164 "Once the contract commences on the 1st July 2019"
    [InlineData("2020-21", 2020, 4, 1)] // later years: the 1 April that starts the year (SeedData README judgement 7)
    [InlineData("2023-24", 2023, 4, 1)]
    public async Task Lines_are_paid_on_the_list_of_the_years_reference_date(string year, int y, int m, int d)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/rutland/allocations/{year}" });

        allocation.Lines.ShouldAllBe(line => line.ReferenceDate.Equals(Date(y, m, d)));
    }

    [Fact]
    public async Task A_county_pcn_without_practice_lists_is_paid_on_its_stated_total()
    {
        // SLAM: no member list size is printed, so the registry uses its Appendix 3 total, 69 519 (000_0b818a8f861e84b5.txt:1871).
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/slam/allocations/2021-22" });

        allocation.Ccg.ShouldBe("ccgs/east-leicestershire-rutland");
        allocation.Lines.ShouldAllBe(line => line.Population == 69_519 && line.PopulationSource == PopulationSource.Stated);
        // Core PCN Funding at £1.50 per registered patient (004_019362184b449183.txt:3051): 1.50 × 69,519 = £104,278.50.
        var core = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/core-pcn-funding");
        Pounds(core.RatePerHead).ShouldBe(1.50m);
        core.RateSource.ShouldBe(RateSource.Printed);
        Pounds(core.Amount).ShouldBe(104_278.50m);
    }

    [Fact]
    public async Task A_city_pcn_whose_every_list_is_known_is_paid_on_their_sum()
    {
        // Leicester Health Focus: Oakmeadow 8,980, Groby Road 9,437, Fosse 8,931, Hockley Farm 10,846 (000:502-505)
        // sum to 38,194, not the 39,194 Appendix 3 states (000:1897).
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = "pcns/leicester-health-focus/allocations/2020-21" });

        allocation.Ccg.ShouldBe("ccgs/leicester-city");
        allocation.Lines.ShouldAllBe(line => line.Population == 38_194 && line.PopulationSource == PopulationSource.Computed);
        // Extended hours 2020-21 at the derived £1.464 (004:3047; 1,706,694 ÷ the document's base): 1.464 × 38,194 = £55,916.016 → £55,916.02.
        var extendedHours = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/extended-hours");
        Pounds(extendedHours.RatePerHead).ShouldBe(1.464m);
        extendedHours.RateSource.ShouldBe(RateSource.Derived);
        Pounds(extendedHours.Amount).ShouldBe(55_916.02m);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2022-23")]
    public async Task Participation_is_owed_per_weighted_patient_but_paid_on_registered_lists_since_no_weighted_list_is_known(string year)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/belgrave-spinney/allocations/{year}" });

        // "PCN Participation (£1.761pwp)" (004:3041): per weighted patient.
        var participation = allocation.Lines.Single(line => line.FundingStream == "fundingStreams/pcn-participation");
        participation.Basis.ShouldBe(PatientBasis.Weighted);
        participation.BasisUsed.ShouldBe(PatientBasis.Registered);
        Pounds(participation.RatePerHead).ShouldBe(1.761m);
        allocation.Lines.Where(line => line != participation)
            .ShouldAllBe(line => line.Basis == PatientBasis.Registered && line.BasisUsed == PatientBasis.Registered);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2021-22")]
    [InlineData("2023-24")]
    public async Task Every_line_sets_the_streams_published_llr_amount_beside_it(string year)
    {
        var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"pcns/north-west-leicestershire/allocations/{year}" });

        foreach (var line in allocation.Lines)
            Pounds(line.PublishedLlrAmount).ShouldBe(Documents.Published(line.FundingStream["fundingStreams/".Length..], year)!.Value, line.FundingStream);
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task The_system_allocation_adds_up_by_stream_by_ccg_and_by_pcn(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.Name.ShouldBe($"systemAllocations/{year}");
        system.Pcns.Count.ShouldBe(25);
        system.Pcns.Select(pcn => pcn.Pcn).ShouldBeUnique();
        system.Ccgs.Select(ccg => ccg.Ccg).ShouldBe(["ccgs/east-leicestershire-rutland", "ccgs/leicester-city", "ccgs/west-leicestershire"], ignoreOrder: true);
        system.Pcns.Count(pcn => pcn.Ccg == "ccgs/leicester-city").ShouldBe(10);

        // Every total is rounded once from exact amounts, so it is within half a penny a part of the sum of its rounded parts
        // (later years' populations depend on which registry tests ran before; the 2020-21 test pins the figures and the rule).
        var llrTotal = Pounds(system.LlrTotal);
        llrTotal.ShouldBe(system.Pcns.Sum(pcn => Pounds(pcn.Total)), tolerance: Slack(system.Pcns.Count));
        llrTotal.ShouldBe(system.Ccgs.Sum(ccg => Pounds(ccg.Total)), tolerance: Slack(system.Ccgs.Count));
        llrTotal.ShouldBe(system.LlrStreams.Sum(stream => Pounds(stream.Computed)), tolerance: Slack(system.LlrStreams.Count));
        system.LlrPopulation.ShouldBe(system.Pcns.Sum(pcn => pcn.Population));
        foreach (var ccg in system.Ccgs)
        {
            var members = system.Pcns.Where(pcn => pcn.Ccg == ccg.Ccg).ToList();
            Pounds(ccg.Total).ShouldBe(members.Sum(pcn => Pounds(pcn.Total)), tolerance: Slack(members.Count), ccg.Ccg);
            ccg.Population.ShouldBe(members.Sum(pcn => pcn.Population), ccg.Ccg);
            Pounds(ccg.Total).ShouldBe(ccg.Streams.Sum(stream => Pounds(stream.Computed)), tolerance: Slack(ccg.Streams.Count), ccg.Ccg);
        }
        foreach (var stream in system.LlrStreams)
            Pounds(stream.Computed).ShouldBe(system.Ccgs.Sum(ccg => Pounds(ccg.Streams.Single(s => s.FundingStream == stream.FundingStream).Computed)),
                tolerance: Slack(system.Ccgs.Count), stream.FundingStream);
    }

    /// <summary>
    /// Every PCN's 2020-21 population, where it comes from, and its total: the population × 10.919, the sum of the
    /// year's six rates (1.761 + 4.26 + 0.684 + 1.464 + 1.50 + 1.25, <see cref="Documents.Rates"/>), rounded once.
    /// </summary>
    private static readonly Dictionary<string, (string Ccg, long Population, PopulationSource Source, decimal Total)> Pcns2020 = new()
    {
        // East Leicestershire & Rutland: every PCN on its Appendix 3 total.
        ["slam"] = ("east-leicestershire-rutland", 69_519, Stated, 759_077.96m), // 000:1871; × 10.919 = 759,077.961
        ["oadby-wigston"] = ("east-leicestershire-rutland", 49_059, Stated, 535_675.22m), // 000:1872; × 10.919 = 535,675.221
        ["north-blaby"] = ("east-leicestershire-rutland", 60_264, Stated, 658_022.62m), // 000:1873; × 10.919 = 658,022.616
        ["south-blaby-lutterworth"] = ("east-leicestershire-rutland", 47_248, Stated, 515_900.91m), // 000:1874; × 10.919 = 515,900.912
        ["harborough"] = ("east-leicestershire-rutland", 28_445, Stated, 310_590.96m), // 000:1875; × 10.919 = 310,590.955
        ["south-leicestershire-croft-billesdon"] = ("east-leicestershire-rutland", 42_271, Stated, 461_557.05m), // 000:1876; × 10.919 = 461,557.049
        ["rutland"] = ("east-leicestershire-rutland", 39_920, Stated, 435_886.48m), // 000:1877; × 10.919 = 435,886.480
        // West Leicestershire: every PCN on its Appendix 3 total (North West Leicestershire's is its three printed parts, 42,823 +
        // 37,319 + 27,724).
        ["bosworth"] = ("west-leicestershire", 37_491, Stated, 409_364.23m), // 000:1878; × 10.919 = 409,364.229
        ["hinckley-central"] = ("west-leicestershire", 38_732, Stated, 422_914.71m), // 000:1879; × 10.919 = 422,914.708
        ["fosseway"] = ("west-leicestershire", 42_742, Stated, 466_699.90m), // 000:1880; × 10.919 = 466,699.898
        ["north-west-leicestershire"] = ("west-leicestershire", 107_866, Stated, 1_177_788.85m), // 000:1881-1883; × 10.919 = 1,177,788.854
        ["watermead"] = ("west-leicestershire", 31_816, Stated, 347_398.90m), // 000:1884; × 10.919 = 347,398.904
        ["soar-valley"] = ("west-leicestershire", 49_863, Stated, 544_454.10m), // 000:1885; × 10.919 = 544,454.097
        ["ch3-carillon"] = ("west-leicestershire", 55_445, Stated, 605_403.96m), // 000:1886; × 10.919 = 605,403.955
        ["ch4-beacon"] = ("west-leicestershire", 33_955, Stated, 370_754.65m), // 000:1887; × 10.919 = 370,754.645
        // Leicester City: each PCN on the sum of its practices' lists, which equals its stated total (cited), except Leicester City
        // South (Walnut St's list unknown: stated) and Leicester Health Focus (8,980 + 9,437 + 8,931 + 10,846, not the stated 39,194).
        ["belgrave-spinney"] = ("leicester-city", 45_774, Computed, 499_806.31m), // 000:1888; × 10.919 = 499,806.306
        ["the-leicester-foxes"] = ("leicester-city", 33_498, Computed, 365_764.66m), // 000:487; × 10.919 = 365,764.662
        ["leicester-central"] = ("leicester-city", 51_058, Computed, 557_502.30m), // 000:1890; × 10.919 = 557,502.302
        ["salutem"] = ("leicester-city", 35_455, Computed, 387_133.15m), // 000:1891; × 10.919 = 387,133.145
        ["aegis-healthcare"] = ("leicester-city", 41_104, Computed, 448_814.58m), // 000:1892; × 10.919 = 448,814.576
        ["millennium"] = ("leicester-city", 50_971, Computed, 556_552.35m), // 000:1893; × 10.919 = 556,552.349
        ["city-care-alliance"] = ("leicester-city", 38_589, Computed, 421_353.29m), // 000:1894; × 10.919 = 421,353.291
        ["leicester-city-university"] = ("leicester-city", 45_234, Computed, 493_910.05m), // 000:1895; × 10.919 = 493,910.046
        ["leicester-city-south"] = ("leicester-city", 35_417, Stated, 386_718.22m), // 000:1896; × 10.919 = 386,718.223
        ["leicester-health-focus"] = ("leicester-city", 38_194, Computed, 417_040.29m), // 000:502-505; × 10.919 = 417,040.286
    };

    [Fact]
    public async Task The_2020_21_system_allocation_is_the_documents_populations_at_the_documents_rates_rounded_once()
    {
        const string year = "2020-21";
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.Pcns.Select(pcn => pcn.Pcn).ShouldBe(Pcns2020.Keys.Select(pcn => $"pcns/{pcn}"), ignoreOrder: true);
        foreach (var summary in system.Pcns)
        {
            var (ccg, population, source, total) = Pcns2020[summary.Pcn["pcns/".Length..]];
            summary.Ccg.ShouldBe($"ccgs/{ccg}", summary.Pcn);
            summary.Population.ShouldBe(population, summary.Pcn);
            summary.PopulationSource.ShouldBe(source, summary.Pcn);
            Pounds(summary.Total).ShouldBe(total, summary.Pcn);
            // Each PCN's own answer agrees with the summary.
            var allocation = await _client.GetPcnAllocationAsync(new GetPcnAllocationRequest { Name = $"{summary.Pcn}/allocations/{year}" });
            Pounds(allocation.Total).ShouldBe(total, summary.Pcn);
            allocation.Lines.ShouldAllBe(line => line.Population == population && line.PopulationSource == source, summary.Pcn);
        }

        // LLR: 1,149,930 patients × 10.919 = 12,556,085.67, rounded once; the 25 rounded PCN totals sum to 12,556,085.70.
        system.LlrPopulation.ShouldBe(1_149_930);
        Pounds(system.LlrTotal).ShouldBe(12_556_085.67m);
        // Each stream: its rate × 1,149,930.
        var streams = new Dictionary<string, decimal>
        {
            [Documents.Participation] = 2_025_026.73m,        // 1.761 × 1,149,930 = 2,025,026.73
            [Documents.AdditionalRoles] = 4_898_701.80m,      // 4.26 × 1,149,930 = 4,898,701.80
            [Documents.ClinicalDirector] = 786_552.12m,       // 0.684 × 1,149,930 = 786,552.12
            [Documents.ExtendedHours] = 1_683_497.52m,        // 1.464 × 1,149,930 = 1,683,497.52
            [Documents.CorePcnFunding] = 1_724_895.00m,       // 1.50 × 1,149,930 = 1,724,895
            [Documents.InvestmentImpactFund] = 1_437_412.50m, // 1.25 × 1,149,930 = 1,437,412.50
        };
        system.LlrStreams.Select(stream => stream.FundingStream).ShouldBe(streams.Keys.Select(stream => $"fundingStreams/{stream}"));
        foreach (var stream in system.LlrStreams)
            Pounds(stream.Computed).ShouldBe(streams[stream.FundingStream["fundingStreams/".Length..]], stream.FundingStream);

        // Each CCG: the sum of its PCNs' populations above × 10.919, rounded once; and each of its streams, rate × population.
        var ccgs = new Dictionary<string, (long Population, decimal Total)>
        {
            ["ccgs/east-leicestershire-rutland"] = (336_726, 3_676_711.19m), // 336,726 × 10.919 = 3,676,711.194
            ["ccgs/west-leicestershire"] = (397_910, 4_344_779.29m),         // 397,910 × 10.919 = 4,344,779.29
            ["ccgs/leicester-city"] = (415_294, 4_534_595.19m),              // 415,294 × 10.919 = 4,534,595.186
        };
        system.Ccgs.Select(ccg => ccg.Ccg).ShouldBe(ccgs.Keys, ignoreOrder: true);
        foreach (var ccg in system.Ccgs)
        {
            ccg.Population.ShouldBe(ccgs[ccg.Ccg].Population, ccg.Ccg);
            Pounds(ccg.Total).ShouldBe(ccgs[ccg.Ccg].Total, ccg.Ccg);
            foreach (var stream in ccg.Streams)
            {
                var rate = Documents.Rate(stream.FundingStream["fundingStreams/".Length..], year);
                Pounds(stream.Computed).ShouldBe(Penny(rate * ccgs[ccg.Ccg].Population), $"{ccg.Ccg} {stream.FundingStream}");
            }
        }
    }

    [Theory]
    [InlineData("2019-20")]
    [InlineData("2020-21")]
    [InlineData("2021-22")]
    [InlineData("2022-23")]
    [InlineData("2023-24")]
    public async Task Each_llr_stream_sets_table_5s_figure_beside_the_computed_one(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.LlrStreams.Select(stream => stream.FundingStream).ShouldBe(Documents.StreamsOf(year).Select(stream => $"fundingStreams/{stream}"));
        foreach (var stream in system.LlrStreams)
        {
            Pounds(stream.Published).ShouldBe(Documents.Published(stream.FundingStream["fundingStreams/".Length..], year)!.Value, stream.FundingStream);
            Pounds(stream.Difference).ShouldBe(Pounds(stream.Computed) - Pounds(stream.Published), stream.FundingStream);
        }
        // Figures are published for LLR only, never per CCG stream.
        system.Ccgs.SelectMany(ccg => ccg.Streams).ShouldAllBe(stream => stream.Published == null && stream.Difference == null);
    }

    [Fact]
    public async Task The_2020_21_system_allocation_prints_core_funding_and_the_table_totals()
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2020-21" });

        // Core PCN Funding 2020-21: 1,748,662 (004_019362184b449183.txt:3051).
        Pounds(system.LlrStreams.Single(stream => stream.FundingStream == "fundingStreams/core-pcn-funding").Published).ShouldBe(1_748_662m);

        // The CC sub-total 9,415,911 (004:3049) over the four CC streams: 1,149,930 × (1.761 + 4.26 + 0.684 + 1.464 = 8.169)
        // = 9,393,778.17, 22,132.83 short.
        var subtotal = system.PublishedTotals.Single(total => total.Source.Contains(":3049"));
        Pounds(subtotal.Published).ShouldBe(9_415_911m);
        Pounds(subtotal.Computed).ShouldBe(9_393_778.17m);
        Pounds(subtotal.Difference).ShouldBe(-22_132.83m);
        // The table total 12,621,792 (004:3057) over all six: 1,149,930 × 10.919 = 12,556,085.67, 65,706.33 short.
        var total = system.PublishedTotals.Single(t => t.Source.Contains(":3057"));
        Pounds(total.Published).ShouldBe(12_621_792m);
        Pounds(total.Computed).ShouldBe(12_556_085.67m);
        Pounds(total.Difference).ShouldBe(-65_706.33m);
        system.PublishedTotals.ShouldAllBe(t => t.Label != "" && t.Source.StartsWith(Documents.Table5));
    }

    [Fact]
    public async Task The_2019_20_ccg_allocations_are_set_beside_table_4s_pcn_line()
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = "systemAllocations/2019-20" });

        // Table 4 "PCN 1,887,510 1,535,262 1,842,233 5,265,004" (004_019362184b449183.txt:2956): City, East, West, LLR.
        var printed = new Dictionary<string, decimal>
        {
            ["ccgs/leicester-city"] = 1_887_510m,
            ["ccgs/east-leicestershire-rutland"] = 1_535_262m,
            ["ccgs/west-leicestershire"] = 1_842_233m,
        };
        // What the four CC streams pay each CCG: its population (the sums of Pcns2020's, the same on 1 July 2019) ×
        // (1.761 + 1.44 + 0.514 + 1.099 = 4.814), rounded once.
        var computed = new Dictionary<string, decimal>
        {
            ["ccgs/leicester-city"] = 1_999_225.32m,             // 415,294 × 4.814 = 1,999,225.316
            ["ccgs/east-leicestershire-rutland"] = 1_620_998.96m, // 336,726 × 4.814 = 1,620,998.964
            ["ccgs/west-leicestershire"] = 1_915_538.74m,         // 397,910 × 4.814 = 1,915,538.74
        };
        foreach (var ccg in system.Ccgs)
        {
            var comparison = ccg.Published.ShouldHaveSingleItem();
            Pounds(comparison.Published).ShouldBe(printed[ccg.Ccg], ccg.Ccg);
            comparison.Source.ShouldBe($"{Documents.Table5}:2956");
            // The PCN line is the co-commissioned streams (its LLR figure is Table 5's CC sub-total, 004:3049).
            Pounds(comparison.Computed).ShouldBe(computed[ccg.Ccg], ccg.Ccg);
            Pounds(comparison.Difference).ShouldBe(computed[ccg.Ccg] - printed[ccg.Ccg], ccg.Ccg);
        }
        // 2019-20 has no Improved Access or IIF line (004:3053, 004:3055 print none).
        system.LlrStreams.Count.ShouldBe(5);
    }

    [Theory]
    [InlineData("2020-21")]
    [InlineData("2022-23")]
    public async Task Only_2019_20_has_figures_printed_per_ccg(string year)
    {
        var system = await _client.GetSystemAllocationAsync(new GetSystemAllocationRequest { Name = $"systemAllocations/{year}" });

        system.Ccgs.ShouldAllBe(ccg => ccg.Published.Count == 0);
    }

    /// <summary>How far a total rounded once may lie from the sum of its <paramref name="parts"/> rounded each.</summary>
    private static decimal Slack(int parts) => 0.005m * parts + 0.005m;
}
