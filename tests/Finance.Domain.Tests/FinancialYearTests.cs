using Finance.Domain.Model;
using Shouldly;

namespace Finance.Domain.Tests;

public class FinancialYearTests
{
    [Fact]
    public void Parses_and_formats_the_documents_form()
    {
        // 002:170 heads the schedule "2019/20 2020/21 …"; the platform writes them 2019-20.
        var year = FinancialYear.Parse("2019-20");

        year.StartYear.ShouldBe(2019);
        year.ToString().ShouldBe("2019-20");
        FinancialYear.TryParse("2023-24", out var last).ShouldBeTrue();
        last.ShouldBe(new FinancialYear(2023));
    }

    [Theory]
    [InlineData("2019-21")]   // the second part must be the year after the first
    [InlineData("2019/20")]   // the documents' slash is not accepted
    [InlineData("19-20")]     // two-digit start year
    [InlineData("2019-2020")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_anything_but_yyyy_dash_yy(string? text)
    {
        FinancialYear.TryParse(text, out var year).ShouldBeFalse();
        year.ShouldBe(default);
        if (text is not null)
            Should.Throw<FormatException>(() => FinancialYear.Parse(text));
    }

    [Fact]
    public void Runs_from_1_April_to_31_March_and_knows_the_previous_year()
    {
        var year = new FinancialYear(2019);

        year.StartsOn.ShouldBe(new DateOnly(2019, 4, 1));
        year.EndsOn.ShouldBe(new DateOnly(2020, 3, 31));
        year.Previous.ShouldBe(FinancialYear.Parse("2018-19"));
        year.Previous.CompareTo(year).ShouldBeLessThan(0);
    }

    [Fact]
    public void Wraps_the_century_in_the_second_part()
    {
        FinancialYear.Parse("1999-00").ShouldBe(new FinancialYear(1999));
        new FinancialYear(1999).ToString().ShouldBe("1999-00");
    }
}
