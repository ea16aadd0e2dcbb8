using Platform.Domain.Errors;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>google.type.Date ↔ DateOnly, refusing impossible dates (31 February, month 13) as the caller's mistake.</summary>
public static class ProtoDates
{
    public static Google.Type.Date ToProto(this DateOnly date) => new() { Year = date.Year, Month = date.Month, Day = date.Day };

    public static Google.Type.Date? ToProto(this DateOnly? date) => date?.ToProto();

    /// <summary>A required date: unset or impossible is a field violation.</summary>
    public static DateOnly Required(Google.Type.Date? date, string field, Validation validation)
    {
        if (date is null)
        {
            validation.Add(field, "is required.");
            return default;
        }
        return Parse(date, field, validation) ?? default;
    }

    /// <summary>An optional date: unset means <paramref name="fallback"/>.</summary>
    public static DateOnly OrDefault(Google.Type.Date? date, string field, DateOnly fallback, Validation validation) =>
        date is null ? fallback : Parse(date, field, validation) ?? fallback;

    private static DateOnly? Parse(Google.Type.Date date, string field, Validation validation)
    {
        // google.type.Date allows partial dates (day 0, month 0); a calendar date for a list or a membership must be whole.
        if (date.Year is < 1900 or > 2999 || date.Month is < 1 or > 12 || date.Day < 1 || date.Day > DateTime.DaysInMonth(date.Year, date.Month))
        {
            validation.Add(field, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a calendar date between 1900 and 2999.");
            return null;
        }
        return new DateOnly(date.Year, date.Month, date.Day);
    }
}
