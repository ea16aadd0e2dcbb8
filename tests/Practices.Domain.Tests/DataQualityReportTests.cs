using Practices.Domain.Reports;
using Practices.Domain.Rules;
using Shouldly;
using static Practices.Domain.Tests.Builders;

namespace Practices.Domain.Tests;

public class DataQualityReportTests
{
    private static readonly DateOnly AsAt = new(2024, 1, 1);

    [Fact]
    public void Reports_totals_missing_codes_and_sizes_duplicate_names_and_size_rule_exceptions()
    {
        var forestA = Practice("LLR015", name: "Forest House");
        var forestB = Practice("LLR077", name: "forest  house");
        var coded = Practice("LLR100", ods: "C82037", name: "East Park MC");
        var small = PcnPopulation.Calculate(Pcn("small", 28_445), AsAt, [new PcnMemberSize(forestA, Member(forestA.Id, "small"), null)]);
        var fine = PcnPopulation.Calculate(Pcn("fine", 10_486), AsAt, [new PcnMemberSize(coded, Member(coded.Id, "fine"), Size(coded.Id, 10_486))]);

        var report = DataQualityReport.Build(AsAt, [small, fine], [(forestA, null), (forestB, null), (coded, Size(coded.Id, 10_486))]);

        report.PcnTotals.ShouldBe([new PcnTotalCheck("small", 28_445, 0, 1, null), new PcnTotalCheck("fine", 10_486, 10_486, 0, 0)]);
        report.PracticesWithoutCode.ShouldBe(["LLR015", "LLR077"]);
        report.PracticesWithoutSize.ShouldBe(["LLR015", "LLR077"]);
        report.DuplicateNames.Single().PracticeIds.ShouldBe(["LLR015", "LLR077"]);
        report.SizeRuleExceptions.ShouldBe([
            new SizeRuleException("small", 28_445, PopulationBasis.Stated, SizeStatus.UnderMinimum),
            new SizeRuleException("fine", 10_486, PopulationBasis.Computed, SizeStatus.UnderMinimum)]);
    }
}
