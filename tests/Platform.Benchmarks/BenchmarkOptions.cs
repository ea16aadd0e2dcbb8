using System.Globalization;

namespace Platform.Benchmarks;

/// <summary>
/// The command line: <c>--duration 10s</c> each run's measuring window, <c>--warmup 3s</c> before it,
/// <c>--sustain 30s</c> the sustained-transfers run, <c>--history 10000</c> transfers to make before the reads are
/// measured again (0: skip), <c>--reads-only</c> to skip every write, <c>--writes-only</c> every read (to profile the
/// writes), <c>--verbose</c> to show every resource's logs, <c>--service-env NAME=VALUE</c> (repeatable) to try a
/// runtime setting in every service (e.g. <c>DOTNET_GCgen0size=0x2000000</c>) without a build, <c>--read GetPcn</c>
/// (repeatable) to measure only the reads whose names start so, <c>--writers 2</c> the concurrent writing clients.
/// </summary>
public sealed record BenchmarkOptions(TimeSpan Duration, TimeSpan WarmUp, TimeSpan Sustain, int History, bool ReadsOnly,
    bool Verbose = false, bool WritesOnly = false)
{
    public IReadOnlyDictionary<string, string> ServiceEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Concurrent writing clients: the goals name 8; fewer show the event flow when the writes leave cores idle.</summary>
    public int Writers { get; init; } = 8;

    /// <summary>The reads to measure, by the start of their names; none named, all of them.</summary>
    public IReadOnlyList<string> Reads { get; init; } = [];

    public bool Measures(string read) =>
        Reads.Count == 0 || Reads.Any(name => read.StartsWith(name, StringComparison.OrdinalIgnoreCase));

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(30),
            History: 0, ReadsOnly: false);
        for (var index = 0; index < args.Length; index++)
        {
            string Value() => index + 1 < args.Length ? args[++index] : throw new ArgumentException($"{args[index]} needs a value.");
            options = args[index] switch
            {
                "--duration" => options with { Duration = Span(Value()) },
                "--warmup" => options with { WarmUp = Span(Value()) },
                "--sustain" => options with { Sustain = Span(Value()) },
                "--history" => options with { History = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--reads-only" => options with { ReadsOnly = true },
                "--writes-only" => options with { WritesOnly = true },
                "--verbose" => options with { Verbose = true },
                "--service-env" => options with { ServiceEnvironment = With(options.ServiceEnvironment, Value()) },
                "--read" => options with { Reads = [.. options.Reads, Value()] },
                "--writers" => options with { Writers = Count(Value()) },
                var unknown => throw new ArgumentException(
                    $"Unknown option {unknown}: use --duration 10s, --warmup 3s, --sustain 30s, --history 10000, --reads-only, --writes-only, --verbose, --service-env NAME=VALUE, --read NAME, --writers 8."),
            };
        }
        if (options.WritesOnly && (options.ReadsOnly || options.History > 0))
            throw new ArgumentException("--writes-only measures no reads: it goes with neither --reads-only nor --history.");
        return options;
    }

    public override string ToString() =>
        $"duration {Duration.TotalSeconds:F0} s, warm-up {WarmUp.TotalSeconds:F0} s, sustain {Sustain.TotalSeconds:F0} s, " +
        $"history {History}{(ReadsOnly ? ", reads only" : "")}{(WritesOnly ? ", writes only" : "")}, writers {Writers}" +
        (Reads.Count > 0 ? $", reads {string.Join(", ", Reads)}" : "") +
        string.Concat(ServiceEnvironment.Select(setting => $", services with {setting.Key}={setting.Value}"));

    private static Dictionary<string, string> With(IReadOnlyDictionary<string, string> environment, string setting) =>
        setting.Split('=', 2) is [{ Length: > 0 } name, var value]
            ? new Dictionary<string, string>(environment) { [name] = value }
            : throw new ArgumentException($"--service-env takes NAME=VALUE, not {setting}.");

    /// <summary>"10s", "2m", "500ms" or plain seconds.</summary>
    private static TimeSpan Span(string text) => text switch
    {
        _ when text.EndsWith("ms", StringComparison.Ordinal) => TimeSpan.FromMilliseconds(Number(text[..^2])),
        _ when text.EndsWith('s') => TimeSpan.FromSeconds(Number(text[..^1])),
        _ when text.EndsWith('m') => TimeSpan.FromMinutes(Number(text[..^1])),
        _ => TimeSpan.FromSeconds(Number(text)),
    };

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    private static int Count(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
        ? count
        : throw new ArgumentException($"--writers takes a whole number of clients, 1 or more, not {text}.");
}
