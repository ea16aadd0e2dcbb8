namespace Platform.Domain.Errors;

/// <summary>
/// A caller's input as an error message may repeat it: in quotes, at most a short prefix, control characters escaped.
/// An error that echoed a 32 KB field whole made trailers megabytes long (some clients hang on them) and log lines as
/// large; a NUL or a newline in it would break a log line or a header.
/// </summary>
public static class Quoted
{
    public const int MaxLength = 40;

    public static string Input(string? value)
    {
        if (value is null) return "null";
        var shown = value.Length > MaxLength ? value[..MaxLength] : value;
        var escaped = string.Concat(shown.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return value.Length > MaxLength ? $"\"{escaped}…\" ({value.Length} characters)" : $"\"{escaped}\"";
    }
}
