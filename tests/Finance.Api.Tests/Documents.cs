namespace Finance.Api.Tests;

/// <summary>
/// Figures as the source documents print them (files in /work/shared/seeds, cited as file:line; see
/// src/Finance/Finance.Api/SeedData/README.md). Tests compare the service's answers with these, never with its own seed
/// files.
/// </summary>
internal static class Documents
{
    public const string Table5 = "004_019362184b449183.txt";

    public static readonly string[] Years = ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"];

    public const string Participation = "pcn-participation";
    public const string AdditionalRoles = "additional-roles";
    public const string ClinicalDirector = "clinical-director";
    public const string ExtendedHours = "extended-hours";
    public const string CorePcnFunding = "core-pcn-funding";
    public const string ImprovedAccess = "improved-access";
    public const string InvestmentImpactFund = "investment-impact-fund";

    /// <summary>The streams paid per registered patient; participation alone is paid per weighted patient (£1.761pwp, 004:3041).</summary>
    public static readonly string[] RegisteredStreams = [AdditionalRoles, ClinicalDirector, ExtendedHours, CorePcnFunding, ImprovedAccess, InvestmentImpactFund];

    /// <summary>
    /// Table 5 "PCN Budgets 2019-20 to 2023-24" (title 004:2993), one row per stream, 2019-20 … 2023-24, in the order the
    /// table prints them; null where the table prints nothing.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, decimal?[]> Table5Published = new Dictionary<string, decimal?[]>
    {
        // 004:3041 "PCN Participation (£1.761pwp) CC 1,925,806 1,945,627 1,975,566 2,005,965 2,036,833"
        [Participation] = [1_925_806, 1_945_627, 1_975_566, 2_005_965, 2_036_833],
        // 004:3043 "PCN Additional Roles (£1.44prp) CC 1,702,251 4,966,200 8,098,222 12,481,013 17,731,194"
        [AdditionalRoles] = [1_702_251, 4_966_200, 8_098_222, 12_481_013, 17_731_194],
        // 004:3045 "ACD leadership (£0.514prp) CC 587,467 797,390 809,822 822,448 835,271"
        [ClinicalDirector] = [587_467, 797_390, 809_822, 822_448, 835_271],
        // 004:3047 "EOH DES to PCN (£1.099prp) CC 1,049,481 1,706,694 1,733,304 1,760,328 1,787,773"
        [ExtendedHours] = [1_049_481, 1_706_694, 1_733_304, 1_760_328, 1_787_773],
        // 004:3051 "Core PCN Funding (£1.50 prp) PC 1,720,015 1,748,662 1,775,926 1,803,615 1,831,735"
        [CorePcnFunding] = [1_720_015, 1_748_662, 1_775_926, 1_803_615, 1_831_735],
        // 004:3053 "Improved Access to Primary Care (£6 prp) PC 7,103,703 7,214,458 7,326,940" (2021-22 on)
        [ImprovedAccess] = [null, null, 7_103_703, 7_214_458, 7_326_940],
        // 004:3055 "Investment and Impact Fund 1,457,218 2,959,876 4,509,036 6,105,783" (2020-21 on)
        [InvestmentImpactFund] = [null, 1_457_218, 2_959_876, 4_509_036, 6_105_783],
    };

    /// <summary>
    /// The rate per head each stream's row prints or implies (SeedData README judgements 3 and 4), 2019-20 … 2023-24;
    /// null where the table prints no figure.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, decimal?[]> Rates = new Dictionary<string, decimal?[]>
    {
        [Participation] = [1.761m, 1.761m, 1.761m, 1.761m, 1.761m],     // printed "£1.761pwp", 004:3041
        [AdditionalRoles] = [1.44m, 4.26m, 6.84m, 10.38m, 14.52m],       // "£1.44prp" 004:3043; then 002:181 ÷ 50,000
        [ClinicalDirector] = [0.514m, 0.684m, 0.684m, 0.684m, 0.684m],   // "£0.514prp" 004:3045; then 004:3045 ÷ the base
        [ExtendedHours] = [1.099m, 1.464m, 1.464m, 1.464m, 1.464m],      // "£1.099prp" 004:3047; then 004:3047 ÷ the base
        [CorePcnFunding] = [1.50m, 1.50m, 1.50m, 1.50m, 1.50m],          // "£1.50 prp" 004:3051
        [ImprovedAccess] = [null, null, 6m, 6m, 6m],                     // "£6 prp" 004:3053
        [InvestmentImpactFund] = [null, 1.25m, 2.50m, 3.75m, 5.00m],     // 004:3055 ÷ the base (base: 004:3051 ÷ £1.50)
    };

    public static decimal Rate(string stream, string year) => Rates[stream][Array.IndexOf(Years, year)]!.Value;

    public static decimal? Published(string stream, string year) => Table5Published[stream][Array.IndexOf(Years, year)];

    public static IEnumerable<string> StreamsOf(string year) => Table5Published.Keys.Where(stream => Published(stream, year) is not null);

    /// <summary>004:3049, the unlabelled CC sub-total: "5,265,004 9,415,911 12,616,913 17,069,754 22,391,072".</summary>
    public static readonly decimal[] CoCommissionedSubtotal = [5_265_004, 9_415_911, 12_616_913, 17_069_754, 22_391_072];

    /// <summary>004:3057 "TOTAL PRIMARY CARE NETWORK FUNDING 6,985,019 12,621,792 24,456,418 30,596,863 37,655,530".</summary>
    public static readonly decimal[] TotalPcnFunding = [6_985_019, 12_621_792, 24_456_418, 30_596_863, 37_655_530];

    /// <summary>The ARRS table, 002_2309aa3900b6bf7c.txt:178-182, 2019/20 (from July) … 2023/24.</summary>
    public static class Arrs
    {
        public const string File = "002_2309aa3900b6bf7c.txt";

        /// <summary>002:180 "LLR Population 1,144,575 1,145,720 1,146,865 1,148,012 1,149,160".</summary>
        public static readonly long[] LlrPopulation = [1_144_575, 1_145_720, 1_146_865, 1_148_012, 1_149_160];

        /// <summary>002:181 "Funding per 50k typical network … £ 92,000.00 £213,000 £342, 000 £519,000 £726,000".</summary>
        public static readonly decimal[] FundingPerNetwork = [92_000, 213_000, 342_000, 519_000, 726_000];

        /// <summary>002:182 "TOTAL Funding Available in LLR £ 2,106,018 £ 4,880,765 £ 7,844,556 £11,916,366 £16,685,806".</summary>
        public static readonly decimal[] TotalLlrFunding = [2_106_018, 4_880_765, 7_844_556, 11_916_366, 16_685_806];

        /// <summary>002:168 "For a 50,000 patient PCN:"; 002:181 "Funding per 50k typical network".</summary>
        public const long NetworkPatients = 50_000;

        /// <summary>
        /// 004:941 "the 30% of their salaries expected within the DES": the PCN funds 30%, so the scheme reimburses 70%
        /// (derived, not printed; SeedData README judgement 16).
        /// </summary>
        public const decimal ReimbursedShare = 0.70m;
    }

    public static int IndexOf(string year) => Array.IndexOf(Years, year);
}
