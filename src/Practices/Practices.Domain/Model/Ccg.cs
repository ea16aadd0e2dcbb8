namespace Practices.Domain.Model;

/// <summary>The three Clinical Commissioning Groups LLR's PCNs were formed under (2019).</summary>
public enum Ccg
{
    LeicesterCity = 1,
    EastLeicestershireAndRutland = 2,
    WestLeicestershire = 3,
}

public static class CcgIds
{
    // Stable ids used in data files, the database and integration events.
    private static readonly Dictionary<Ccg, string> Ids = new()
    {
        [Ccg.LeicesterCity] = "leicester-city",
        [Ccg.EastLeicestershireAndRutland] = "east-leicestershire-rutland",
        [Ccg.WestLeicestershire] = "west-leicestershire",
    };

    public static string ToId(this Ccg ccg) => Ids[ccg];

    public static Ccg Parse(string id) =>
        Ids.FirstOrDefault(pair => pair.Value == id) is { Value: not null } match
            ? match.Key
            : throw new FormatException($"Unknown CCG id '{id}'.");
}
