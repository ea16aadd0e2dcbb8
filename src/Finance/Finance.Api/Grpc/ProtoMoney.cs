using Platform.Domain.Errors;

namespace Finance.Api.Grpc;

/// <summary>google.type.Money in GBP, to and from exact decimal pounds.</summary>
public static class ProtoMoney
{
    public const string Currency = "GBP";

    public static Google.Type.Money From(decimal pounds)
    {
        var units = decimal.Truncate(pounds);
        return new Google.Type.Money { CurrencyCode = Currency, Units = (long)units, Nanos = (int)((pounds - units) * 1_000_000_000m) };
    }

    public static Google.Type.Money? FromOptional(decimal? pounds) => pounds is { } value ? From(value) : null;

    /// <summary>Pounds from a Money field; missing, another currency, or mismatched signs are field violations.</summary>
    public static decimal? Read(Google.Type.Money? money, string field, Validation validation)
    {
        if (money is null)
        {
            validation.Add(field, "is required, in GBP.");
            return null;
        }
        // google.type.Money has no default currency: an empty code is a mistake to name, not pounds to assume.
        if (money.CurrencyCode != Currency)
        {
            validation.Add(field, money.CurrencyCode == ""
                ? $"needs its currency_code, {Currency}."
                : $"must be in {Currency}, not {Quoted.Input(money.CurrencyCode)}.");
            return null;
        }
        if ((money.Units > 0 && money.Nanos < 0) || (money.Units < 0 && money.Nanos > 0) || Math.Abs(money.Nanos) >= 1_000_000_000)
        {
            validation.Add(field, "units and nanos must have the same sign, and nanos lie within ±999,999,999.");
            return null;
        }
        return money.Units + money.Nanos / 1_000_000_000m;
    }
}
