using System.Globalization;
using Shouldly;

namespace Finance.Api.Tests;

/// <summary>google.type values to and from the decimals and dates tests compute with.</summary>
internal static class Values
{
    /// <summary>Exact pounds from a google.type.Money in GBP.</summary>
    public static decimal Pounds(Google.Type.Money? money)
    {
        money.ShouldNotBeNull();
        money.CurrencyCode.ShouldBe("GBP");
        return money.Units + money.Nanos / 1_000_000_000m;
    }

    public static Google.Type.Money Gbp(decimal pounds)
    {
        var units = decimal.Truncate(pounds);
        return new Google.Type.Money { CurrencyCode = "GBP", Units = (long)units, Nanos = (int)((pounds - units) * 1_000_000_000m) };
    }

    public static decimal Number(Google.Type.Decimal? value)
    {
        value.ShouldNotBeNull();
        return decimal.Parse(value.Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
    }

    public static Google.Type.Decimal Dec(string value) => new() { Value = value };

    /// <summary>The service's one rounding rule: to the penny, half away from zero.</summary>
    public static decimal Penny(decimal pounds) => Math.Round(pounds, 2, MidpointRounding.AwayFromZero);

    /// <summary>"£1,234.56", as the service words amounts in its messages.</summary>
    public static string Format(decimal pounds) => "£" + pounds.ToString("N2", CultureInfo.InvariantCulture);

    public static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    public static string NewRequestId() => Guid.NewGuid().ToString();
}
