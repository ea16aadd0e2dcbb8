using System.Globalization;
using System.Text.RegularExpressions;

namespace Finance.Domain.Model;

/// <summary>An NHS financial year, 1 April to 31 March, written as the documents do: <c>2019-20</c>.</summary>
public readonly partial record struct FinancialYear(int StartYear) : IComparable<FinancialYear>
{
    public DateOnly StartsOn => new(StartYear, 4, 1);

    public DateOnly EndsOn => new(StartYear + 1, 3, 31);

    public FinancialYear Previous => new(StartYear - 1);

    public override string ToString() => $"{StartYear}-{(StartYear + 1) % 100:00}";

    public int CompareTo(FinancialYear other) => StartYear.CompareTo(other.StartYear);

    /// <summary>Reads <c>2019-20</c>; the second part must be the year after the first.</summary>
    public static bool TryParse(string? text, out FinancialYear year)
    {
        year = default;
        if (text is null || !Pattern().IsMatch(text)) return false;
        var start = int.Parse(text[..4], CultureInfo.InvariantCulture);
        if (int.Parse(text[5..], CultureInfo.InvariantCulture) != (start + 1) % 100) return false;
        year = new FinancialYear(start);
        return true;
    }

    public static FinancialYear Parse(string text) =>
        TryParse(text, out var year) ? year : throw new FormatException($"'{text}' is not a financial year like 2019-20.");

    [GeneratedRegex(@"\A[0-9]{4}-[0-9]{2}\z")]
    private static partial Regex Pattern();
}
