using System.Globalization;
using Shouldly;

namespace Finance.Api.Tests;

/// <summary>Finance's google.type values to and from the decimals tests compute with; the shared ones are in <see cref="Platform.Testing.ProtoValues"/>.</summary>
internal static class Values
{
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
}
