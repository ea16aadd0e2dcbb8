namespace Practices.Api.Tests;

internal static class Dates
{
    public static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    public static string NewRequestId() => Guid.NewGuid().ToString();
}
