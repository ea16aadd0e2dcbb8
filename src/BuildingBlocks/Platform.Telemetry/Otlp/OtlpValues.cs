using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Platform.Telemetry.Otlp.Proto.Common.V1;
using Platform.Telemetry.Otlp.Proto.Resource.V1;

namespace Platform.Telemetry.Otlp;

/// <summary>Conversions from OTLP wire values to the plain strings and times the stores hold.</summary>
internal static class OtlpValues
{
    /// <summary>What the OpenTelemetry specification says to assume when a resource has no service.name.</summary>
    public const string UnknownService = "unknown_service";

    public static string ServiceName(Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value is { } name && ToText(name) is { Length: > 0 } text
            ? text
            : UnknownService;

    /// <summary>Lower-case hex of an id, or null when absent or all zeroes (both mean "no id" in OTLP).</summary>
    public static string? HexId(ByteString id) =>
        id.Span.ContainsAnyExcept((byte)0) ? Convert.ToHexStringLower(id.Span) : null;

    public static DateTimeOffset FromUnixNanos(ulong unixNanos) =>
        DateTimeOffset.UnixEpoch.AddTicks((long)(unixNanos / NanosPerTick));

    public static TimeSpan Between(ulong startUnixNanos, ulong endUnixNanos) =>
        endUnixNanos > startUnixNanos ? TimeSpan.FromTicks((long)((endUnixNanos - startUnixNanos) / NanosPerTick)) : TimeSpan.Zero;

    /// <summary>Attributes as text; a repeated key keeps its last value.</summary>
    public static IReadOnlyDictionary<string, string> ToDictionary(RepeatedField<KeyValue> attributes)
    {
        var result = new Dictionary<string, string>(attributes.Count, StringComparer.Ordinal);
        foreach (var attribute in attributes)
            result[attribute.Key] = ToText(attribute.Value);
        return result;
    }

    public static string ToText(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => $"[{string.Join(", ", value.ArrayValue.Values.Select(ToText))}]",
        AnyValue.ValueOneofCase.KvlistValue => $"{{{string.Join(", ", value.KvlistValue.Values.Select(kv => $"{kv.Key}={ToText(kv.Value)}"))}}}",
        AnyValue.ValueOneofCase.BytesValue => value.BytesValue.ToBase64(),
        _ => "",
    };

    private const ulong NanosPerTick = 100;
}
