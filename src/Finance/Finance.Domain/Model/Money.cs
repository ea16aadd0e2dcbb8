namespace Finance.Domain.Model;

/// <summary>
/// The one rounding rule for money: amounts are held as exact decimal pounds, every intermediate product is kept
/// exact, and the result is rounded once, as the last step, to the penny, half away from zero (£0.005 → £0.01,
/// −£0.005 → −£0.01). Rounding earlier would let pennies drift as lines are summed; sums are of rounded lines.
/// </summary>
public static class Money
{
    public static decimal ToPenny(decimal pounds) => Math.Round(pounds, 2, MidpointRounding.AwayFromZero);

    public static long ToPence(decimal pounds) => (long)(ToPenny(pounds) * 100m);

    /// <summary>An amount for people to read: "£1,234.56", "−£1,234.56".</summary>
    public static string Format(decimal pounds) =>
        (pounds < 0 ? "−£" : "£") + Math.Abs(pounds).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A percentage to two decimal places, half away from zero (growth rates in the budget statement).</summary>
    public static decimal Percent(decimal part, decimal whole) => Math.Round(part / whole * 100m, 2, MidpointRounding.AwayFromZero);
}
