using Platform.Domain.Errors;

namespace Platform.ServiceDefaults.Grpc;

/// <summary>AIP-122 resource names: "{collection}/{id}".</summary>
public static class ResourceNames
{
    /// <summary>The id in "{collection}/{id}"; a missing or malformed name is a field violation and yields "".</summary>
    public static string ParseId(string name, string collection, string field, Validation validation) =>
        ParseIds(name, $"{collection}/{{id}}", field, validation)[0];

    public static string Format(string collection, string id) => $"{collection}/{id}";

    public const int MaxIdLength = 63;

    /// <summary>
    /// An id as AIP-122 allows it: ASCII letters, digits, '-', '_' and '.' (and "-" alone, the wildcard parent). A name
    /// such as "pcns/*" or one with a NUL byte is malformed, INVALID_ARGUMENT, rather than a name of nothing there.
    /// </summary>
    private static bool IsId(string id) =>
        id.Length is > 0 and <= MaxIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>
    /// The ids in a nested name, matched against a pattern such as "pcns/{pcn}/allocations/{year}": one id per
    /// variable, in order. A missing or malformed name is a field violation and yields empty ids.
    /// </summary>
    public static string[] ParseIds(string name, string pattern, string field, Validation validation)
    {
        var expected = pattern.Split('/');
        var variables = expected.Count(segment => segment.StartsWith('{'));
        var empty = new string[variables];
        Array.Fill(empty, "");
        if (string.IsNullOrEmpty(name))
        {
            validation.Add(field, $"is required, as \"{pattern}\".");
            return empty;
        }
        var actual = name.Split('/');
        var matches = actual.Length == expected.Length && expected.Zip(actual).All(pair =>
            pair.First.StartsWith('{') ? IsId(pair.Second) : pair.First == pair.Second);
        if (!matches)
        {
            validation.Add(field, $"{Quoted.Input(name)} is not a resource name of the form \"{pattern}\" (ids are 1-{MaxIdLength} letters, digits, '-', '_' or '.').");
            return empty;
        }
        return expected.Zip(actual).Where(pair => pair.First.StartsWith('{')).Select(pair => pair.Second).ToArray();
    }
}
