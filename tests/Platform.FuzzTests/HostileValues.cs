namespace Platform.FuzzTests;

/// <summary>
/// What a hostile or careless caller puts in a field: strings of every kind and length, numbers at every limit,
/// impossible dates, unknown enum numbers, and names, years, ids and tokens that look nearly right.
/// </summary>
public static class HostileValues
{
    private static readonly string Huge = new('a', 64 * 1024);

    public static readonly string[] Strings =
    [
        "", " ", "\0", "a\0b", "\u0001\u0007\b\t\n\r\u001b[31m", "\r\n", "\u202Emoc.live", "\u200B", "\uFEFF", "😀", "é", "١٢٣",
        "' OR '1'='1", "'; DROP TABLE practices; --", "\"", "%", "_", "\\", "../../etc/passwd", "..", "/", "//", "*", "-",
        "{0}", "%s%n", "${jndi:ldap://x}", "<script>", "{\"a\":1}", "null", "NaN", new string('é', 4096), Huge,
        new string('/', 5000), string.Concat(Enumerable.Repeat("pcns/", 2000)),
    ];

    /// <summary>Valid names of the two services' resources, to be sent as they are and spoiled.</summary>
    public static readonly string[] Names =
    [
        "pcns/salutem", "pcns/belgrave-spinney", "pcns/-", "practices/LLR001", "practices/LLR080", "practices/C82037",
        "pcns/salutem/allocations/2021-22", "pcns/salutem/arrsEntitlements/2021-22", "systemAllocations/2021-22",
        "reconciliationReports/2022-23", "budgetStatements/2019-20", "fundingStreams/core-pcn-funding", "fundingStreams/-",
        "fundingStreams/core-pcn-funding/rates/2023-24", "pcns/salutem/financialYears/2021-22", "financialYears/2021-22",
    ];

    public static readonly string[] Junk =
        ["\0", "/", "/*", "/..", "/../../etc/passwd", "' OR 1=1 --", "%00", " ", "\u202E", "é", "\n", "//x", "/-", "*", Huge];

    public static readonly string[] Years =
        ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24", "2031-32", "1999-00", "2019-21", "19-20", "2019/20", "0000-01", "9999-00", "-1-00"];

    public static readonly string[] Decimals =
    [
        "1.5", "0", "-1", "1", "0.0000000001", "1e400", "1E2", "NaN", "Infinity", "-0", "79228162514264337593543950336",
        "-79228162514264337593543950335", "0.00000000000000000000000000001", "1,5", " 1", "1 ", "+1", "--1", "1.5\0", "١",
        "", ".", "1.", ".5", new string('9', 10_000),
    ];

    public static readonly string[] Currencies = ["GBP", "", "gbp", "USD", "GBPX", "\0", "G B P", "€"];

    /// <summary>"" and 6f96... are sent by many requests: reused ids with different bodies.</summary>
    public static readonly string[] RequestIds =
    [
        "", "not-a-uuid", "6f9619ff-8b86-d011-b42d-00c04fc964ff", "00000000-0000-0000-0000-000000000000",
        "{6F9619FF-8B86-D011-B42D-00C04FC964FF}", "6F9619FF8B86D011B42D00C04FC964FF", "6f9619ff-8b86-d011-b42d-00c04fc964ff\0",
    ];

    public static readonly string[] ForgedTokens =
    [
        "forged", "AQ", "AQAAAA", "cGNucwpzYWx1dGVt", "%%%", "=", "\0", new string('A', 1024), new string('A', 64 * 1024),
        "eyJhbGciOiJub25lIn0.e30.",
    ];

    public static readonly int[] Ints = [0, 1, -1, 2, 12, 13, 50, 100, 101, 200, 1000, 1_000_000, 1_000_001, int.MaxValue, int.MinValue, int.MaxValue - 1];

    public static readonly long[] Longs =
        [0, 1, -1, 45_774, 1_000_000, 1_000_001, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, long.MinValue, -1_000_000];

    public static readonly double[] Doubles = [0, -0.0, 1, -1, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon];

    public static readonly int[] UnknownEnumNumbers = [-1, 999, int.MaxValue, int.MinValue];

    /// <summary>google.type.Date fields: impossible, partial, year 0, 9999, far past and future, and ordinary.</summary>
    public static readonly (int Year, int Month, int Day)[] Dates =
    [
        (2024, 2, 30), (2023, 2, 29), (2024, 2, 29), (0, 0, 0), (0, 1, 1), (9999, 12, 31), (1, 1, 1), (1899, 12, 31), (1900, 1, 1),
        (2999, 12, 31), (3000, 1, 1), (2019, 7, 1), (2020, 1, 1), (2025, 4, 1), (-1, -1, -1), (int.MaxValue, int.MaxValue, int.MaxValue),
        (int.MinValue, 1, 1), (2024, 13, 1), (2024, 0, 15), (2024, 1, 0), (2024, 4, 31), (2019, 6, 20),
    ];

    /// <summary>Byte sequences that are not UTF-8, sent raw in a string field: no client library would encode them.</summary>
    public static readonly byte[][] NotUtf8 =
    [
        [0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [.. "pcns/"u8, 0xFF], [.. "practices/LLR001"u8, 0xC0, 0x80], [.. "2021-22"u8, 0xFE],
    ];
}
