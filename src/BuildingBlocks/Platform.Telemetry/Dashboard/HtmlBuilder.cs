using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace Platform.Telemetry.Dashboard;

/// <summary>
/// Builds HTML from interpolated strings in which every interpolated value is HTML-encoded unless
/// it is a <see cref="RawHtml"/>. Encoding is the default rather than something to remember, and
/// there is deliberately no Append(string): a plain variable cannot be written unencoded.
/// </summary>
internal sealed class HtmlBuilder
{
    private readonly StringBuilder _html = new();

    public HtmlBuilder Append([InterpolatedStringHandlerArgument("")] ref EncodingHandler fragment) => this;

    public override string ToString() => _html.ToString();

    [InterpolatedStringHandler]
    public ref struct EncodingHandler
    {
        private readonly StringBuilder _html;

        public EncodingHandler(int literalLength, int formattedCount, HtmlBuilder builder) => _html = builder._html;

        public readonly void AppendLiteral(string literal) => _html.Append(literal);

        public readonly void AppendFormatted(RawHtml value) => _html.Append(value.Html);

        // Numbers and dates format with the invariant culture so pages and attribute values (CSS widths) are stable.
        public readonly void AppendFormatted<T>(T value, string? format = null)
        {
            var text = value is IFormattable formattable
                ? formattable.ToString(format, CultureInfo.InvariantCulture)
                : value?.ToString();
            _html.Append(HtmlEncoder.Default.Encode(text ?? ""));
        }
    }
}

/// <summary>Markup that is already safe, written as is by <see cref="HtmlBuilder"/>.</summary>
internal readonly record struct RawHtml(string Html);
