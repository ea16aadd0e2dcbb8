using System.Collections;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Platform.FuzzTests;

/// <summary>One generated request: the RPC, the bytes sent, and a short rendering to print when it fails.</summary>
public sealed record FuzzCase(int Number, MethodDescriptor Method, byte[] Body, string Rendering)
{
    public string Rpc => $"{Method.Service.Name}/{Method.Name}";
}

/// <summary>
/// Builds hostile requests by reflection over a request's message descriptor, so any field of any RPC, present or
/// added later, gets values of its kind: each field is set or left unset at random, strings from
/// <see cref="HostileValues"/> (names, years, ids and tokens where the field's name says it holds one), numbers at
/// their limits, dates, unknown enum numbers, nested messages and long repeated fields. Some requests then get a
/// string field replaced on the wire by bytes that are not UTF-8, or are cut short or replaced by noise.
/// Half the requests are nearly valid instead (names the RPC accepts, known years, sane numbers, a fresh request id)
/// with a few hostile fields, so they get past validation into the queries and writes behind it.
/// Everything comes from one seeded <see cref="Random"/>, so a seed reproduces the same requests.
/// </summary>
/// <param name="acceptedNames">Per RPC and field ("method|field" full names), the names of <see cref="HostileValues.Names"/> it accepts.</param>
public sealed class RequestGenerator(Random random, IReadOnlyList<string> issuedTokens, IReadOnlyDictionary<string, string[]> acceptedNames)
{
    private const int MaxDepth = 3;

    /// <summary>
    /// The largest message the services accept (Platform.ServiceDefaults). Longer ones are drawn again: hostile
    /// content is what is fuzzed here, and a request over the limit is <see cref="OversizedRequestTests"/>' subject.
    /// </summary>
    public const int MaxMessageLength = 1024 * 1024;

    public FuzzCase Generate(int number, MethodDescriptor method)
    {
        IMessage message;
        do message = NewMessage(method, method.InputType, depth: 0, plausible: random.NextDouble() < 0.5);
        while (message.CalculateSize() > MaxMessageLength);
        var body = message.ToByteArray();
        var rendering = Render(message);
        var roll = random.NextDouble();
        if (roll < 0.15 && NotUtf8Field(method.InputType) is { } field)
        {
            var bytes = Pick(HostileValues.NotUtf8);
            body = [.. body, .. field.Encode(bytes)];
            rendering += $" + {field.Path}=<not UTF-8: {Convert.ToHexString(bytes)}>";
        }
        else if (roll < 0.18 && body.Length > 1)
        {
            body = body[..random.Next(1, body.Length)];
            rendering += $" cut to {body.Length} bytes";
        }
        else if (roll < 0.20)
        {
            body = RandomBytes(random.Next(1, 64));
            rendering = $"noise: {Convert.ToHexString(body)}";
        }
        return new FuzzCase(number, method, body, rendering);
    }

    private IMessage NewMessage(MethodDescriptor method, MessageDescriptor descriptor, int depth, bool plausible)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsMap || random.NextDouble() < (plausible ? 0.03 : 0.2)) continue;
            var hostile = !plausible || random.NextDouble() < 0.04;
            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                var count = hostile ? Pick([0, 1, 2, 3, 10, 200, field.FieldType == FieldType.Message ? 50 : 2000]) : random.Next(1, 3);
                for (var i = 0; i < count; i++)
                {
                    if ((hostile ? Value(method, field, depth) : Plausible(method, field, depth)) is { } item) list.Add(item);
                }
            }
            else if ((hostile ? Value(method, field, depth) : Plausible(method, field, depth)) is { } value)
            {
                field.Accessor.SetValue(message, value);
            }
        }
        return message;
    }

    /// <summary>A value the field could well hold in a valid request.</summary>
    private object? Plausible(MethodDescriptor method, FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => PlausibleString(method, field),
        FieldType.Bool => random.Next(2) == 1,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => PlausibleInt(field),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)PlausibleInt(field),
        // Pounds and patients alike: google.type.Money's units (a rate per head is at most £1,000) or a list size.
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => (long)(field.ContainingType.FullName == "google.type.Money"
            ? random.Next(1, 1_000)
            : random.Next(1_000, 50_000)),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)random.Next(1_000, 50_000),
        FieldType.Double => 1.0,
        FieldType.Float => 1.0f,
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType,
            Pick(field.EnumType.Values.Select(value => value.Number).Where(number => number != 0).DefaultIfEmpty(0).ToArray())),
        FieldType.Message => depth < MaxDepth ? NewMessage(method, field.MessageType, depth + 1, plausible: true) : null,
        _ => Value(method, field, depth),
    };

    private string PlausibleString(MethodDescriptor method, FieldDescriptor field) => field.Name switch
    {
        "page_token" => issuedTokens.Count > 0 && random.Next(3) == 0 ? Pick(issuedTokens) : "",
        "request_id" => RandomGuid(),
        "currency_code" => "GBP",
        "year" => Pick(HostileValues.Years[..5]),
        "value" when field.ContainingType.FullName == "google.type.Decimal" => Pick(["1", "1.5", "0.5", "2", "0.25"]),
        "ods_code" => "C82037",
        "etag" => "",
        _ when acceptedNames.TryGetValue($"{method.FullName}|{field.FullName}", out var names) && names.Length > 0 => Pick(names),
        _ => StringFor(method, field),
    };

    private int PlausibleInt(FieldDescriptor field)
    {
        if (field.ContainingType.FullName == "google.type.Date")
            return field.Name switch { "year" => random.Next(2019, 2026), "month" => random.Next(1, 13), _ => random.Next(1, 29) };
        return field.Name switch { "nanos" => 0, "page_size" => random.Next(1, 20), _ => random.Next(1, 13) };
    }

    private object? Value(MethodDescriptor method, FieldDescriptor field, int depth) => field.FieldType switch
    {
        FieldType.String => StringFor(method, field),
        FieldType.Bytes => ByteString.CopyFrom(RandomBytes(random.Next(0, 32))),
        FieldType.Bool => random.Next(2) == 1,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => IntFor(field),
        FieldType.UInt32 or FieldType.Fixed32 => unchecked((uint)IntFor(field)),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(HostileValues.Longs),
        FieldType.UInt64 or FieldType.Fixed64 => unchecked((ulong)Pick(HostileValues.Longs)),
        FieldType.Double => Pick(HostileValues.Doubles),
        FieldType.Float => (float)Pick(HostileValues.Doubles),
        FieldType.Enum => Enum.ToObject(field.EnumType.ClrType, EnumNumber(field.EnumType)),
        FieldType.Message => depth < MaxDepth ? NewMessage(method, field.MessageType, depth + 1, plausible: false) : null,
        _ => null,
    };

    private string StringFor(MethodDescriptor method, FieldDescriptor field)
    {
        if (random.NextDouble() < 0.25) return Pick(HostileValues.Strings);
        var name = field.Name;
        return name switch
        {
            "page_token" => Token(),
            "request_id" => random.NextDouble() < 0.4 ? RandomGuid() : Pick(HostileValues.RequestIds),
            "currency_code" => Pick(HostileValues.Currencies),
            "etag" => Pick(HostileValues.Strings),
            "year" => Pick(HostileValues.Years),
            "value" when field.ContainingType.FullName == "google.type.Decimal" => Pick(HostileValues.Decimals),
            _ when IsName(field) => NameLike(method, field),
            "ods_code" => Pick(["C82037", "c82037", "C8203", "C820377", "X99999", ""]),
            _ => random.NextDouble() < 0.5 ? NameLike(method, field) : Pick(HostileValues.Years),
        };
    }

    /// <summary>Whether a string field holds a resource name, going by what AIP-122 fields are called.</summary>
    public static bool IsName(FieldDescriptor field) =>
        field.Name is "name" or "parent" or "successor" or "predecessors" or "pcn" or "target_pcn" or "practice" or "stream"
        || field.Name.EndsWith("_pcn", StringComparison.Ordinal) || field.Name.EndsWith("_name", StringComparison.Ordinal);

    /// <summary>A name the RPC accepts or any other, as it is or with junk before or after it.</summary>
    private string NameLike(MethodDescriptor method, FieldDescriptor field)
    {
        var name = acceptedNames.TryGetValue($"{method.FullName}|{field.FullName}", out var names) && names.Length > 0 && random.Next(2) == 0
            ? Pick(names)
            : Pick(HostileValues.Names);
        return random.Next(3) switch
        {
            0 => name,
            1 => name + Pick(HostileValues.Junk),
            _ => Pick(HostileValues.Junk) + name,
        };
    }

    /// <summary>Made up, or a token one of the services issued: as it was (maybe for another query), or with a character changed.</summary>
    private string Token()
    {
        if (issuedTokens.Count == 0 || random.NextDouble() < 0.4) return random.NextDouble() < 0.3 ? "" : Pick(HostileValues.ForgedTokens);
        var token = Pick(issuedTokens);
        switch (random.Next(4))
        {
            case 0:
                return token;
            case 1:
                var characters = token.ToCharArray();
                var at = random.Next(characters.Length);
                characters[at] = characters[at] == 'A' ? 'B' : 'A';
                return new string(characters);
            case 2:
                return token[..^1];
            default:
                return token + token;
        }
    }

    private int IntFor(FieldDescriptor field)
    {
        if (field.ContainingType.FullName == "google.type.Date" && random.NextDouble() < 0.8)
        {
            var date = Pick(HostileValues.Dates);
            return field.Name switch { "year" => date.Year, "month" => date.Month, _ => date.Day };
        }
        return Pick(HostileValues.Ints);
    }

    private int EnumNumber(EnumDescriptor descriptor) =>
        random.NextDouble() < 0.7 ? Pick(descriptor.Values.Select(value => value.Number).ToArray()) : Pick(HostileValues.UnknownEnumNumbers);

    /// <summary>A string field, at the top or one message down, to send not-UTF-8 bytes in.</summary>
    private WireField? NotUtf8Field(MessageDescriptor descriptor)
    {
        var candidates = new List<WireField>();
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.String) candidates.Add(new WireField([field]));
            if (field.FieldType == FieldType.Message && !field.IsMap)
            {
                candidates.AddRange(field.MessageType.Fields.InFieldNumberOrder()
                    .Where(inner => inner.FieldType == FieldType.String)
                    .Select(inner => new WireField([field, inner])));
            }
        }
        return candidates.Count == 0 ? null : Pick(candidates.ToArray());
    }

    /// <summary>A path of fields ending in a string field, encoded by hand so its bytes can be anything.</summary>
    private sealed record WireField(FieldDescriptor[] Fields)
    {
        public string Path => string.Join('.', Fields.Select(descriptor => descriptor.Name));

        public byte[] Encode(byte[] value)
        {
            var encoded = value;
            foreach (var descriptor in Fields.Reverse()) encoded = LengthDelimited(descriptor.FieldNumber, encoded);
            return encoded;
        }

        private static byte[] LengthDelimited(int number, byte[] value)
        {
            using var stream = new MemoryStream();
            var output = new CodedOutputStream(stream);
            output.WriteTag(number, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(value));
            output.Flush();
            return stream.ToArray();
        }
    }

    private string RandomGuid() => new Guid(RandomBytes(16)).ToString();

    private byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];

    /// <summary>
    /// The request as JSON, cut to a few hundred characters, control characters escaped. Diagnostic JSON, since a hostile
    /// request may hold values JSON cannot (a google.protobuf.Timestamp out of its range, which the strict formatter throws on).
    /// </summary>
    public static string Render(IMessage message) => Short(JsonFormatter.ToDiagnosticString(message));

    public static string Short(string text, int length = 300)
    {
        var builder = new StringBuilder();
        foreach (var c in text.Length > length ? text[..length] : text)
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return text.Length > length ? $"{builder}… ({text.Length} characters)" : builder.ToString();
    }
}
