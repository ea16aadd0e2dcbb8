using Shouldly;

namespace Platform.Testing;

/// <summary>The google.type values and request ids that service tests write and read, in one place.</summary>
public static class ProtoValues
{
    public static Google.Type.Date Date(int year, int month, int day) => new() { Year = year, Month = month, Day = day };

    /// <summary>A fresh AIP-155 request id: a retry reuses it, a new write never does.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString();

    /// <summary>Exact pounds from a google.type.Money in GBP.</summary>
    public static decimal Pounds(Google.Type.Money? money)
    {
        money.ShouldNotBeNull();
        money.CurrencyCode.ShouldBe("GBP");
        return money.Units + money.Nanos / 1_000_000_000m;
    }
}
