using Practices.Domain.Rules;
using Shouldly;

namespace Practices.Domain.Tests;

public class PcnSizeRuleTests
{
    [Theory]
    [InlineData(0, SizeStatus.UnderMinimum)]
    [InlineData(29_999, SizeStatus.UnderMinimum)]
    [InlineData(30_000, SizeStatus.WithinRange)]
    [InlineData(50_000, SizeStatus.WithinRange)]
    [InlineData(50_001, SizeStatus.AboveMaximum)]
    // Documented populations: Harborough 28,445 (000:1875) is under; SLAM 69,519 (000:1871) is above.
    [InlineData(28_445, SizeStatus.UnderMinimum)]
    [InlineData(69_519, SizeStatus.AboveMaximum)]
    public void Classifies_registered_population_against_30_to_50_thousand(long population, SizeStatus expected) =>
        PcnSizeRule.Evaluate(population).ShouldBe(expected);
}
