using System.Diagnostics;
using Grpc.Core;

namespace Platform.Benchmarks;

/// <summary>
/// A closed-loop load generator: N callers, each sending its next call as soon as the last one is answered, for a
/// warm-up and then a fixed measuring window; a call counts when it starts inside the window.
/// </summary>
/// <remarks>
/// Our own rather than BenchmarkDotNet, which times a method invoked in a loop on one thread and is made for
/// micro-benchmarks: the questions here are a service's throughput and tail latency under many concurrent calls over
/// HTTP/2, which needs concurrent callers, a warm-up and window shared by all of them, and every call's latency.
/// </remarks>
public sealed class ClosedLoop(TimeSpan warmUp, TimeSpan window)
{
    /// <summary>
    /// Runs <paramref name="call"/> from <paramref name="callers"/> callers; each caller's calls are sequential, so it
    /// may keep state of its own. The call is given its caller's index and the caller's count of calls so far.
    /// </summary>
    public async Task<Measurement> RunAsync(string name, int callers, Func<int, long, Task> call)
    {
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(warmUp);
        var measureUntil = measureFrom + Ticks(window);
        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var result = new CallerResult();
            for (long count = 0; ; count++)
            {
                var began = Stopwatch.GetTimestamp();
                if (began >= measureUntil) return result;
                StatusCode? failure = null;
                try
                {
                    await call(caller, count);
                }
                catch (RpcException refused)
                {
                    failure = refused.StatusCode;
                }

                if (began < measureFrom) continue;
                if (failure is { } code) result.Failures[code] = result.Failures.GetValueOrDefault(code) + 1;
                else result.Latencies.Add(Stopwatch.GetTimestamp() - began);
            }
        })));

        var failures = results.SelectMany(result => result.Failures)
            .GroupBy(pair => pair.Key)
            .ToDictionary(group => group.Key, group => group.Sum(pair => pair.Value));
        return new Measurement(name, callers, window, results.SelectMany(result => result.Latencies), failures);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    private sealed class CallerResult
    {
        public List<long> Latencies { get; } = [];
        public Dictionary<StatusCode, int> Failures { get; } = [];
    }
}

/// <summary>One run's answered calls (their latencies, in Stopwatch ticks) and refused ones, by status.</summary>
public sealed class Measurement
{
    private readonly long[] _latencies;

    public Measurement(string name, int callers, TimeSpan window, IEnumerable<long> latencies,
        IReadOnlyDictionary<StatusCode, int> failures)
    {
        Name = name;
        Callers = callers;
        Window = window;
        _latencies = [.. latencies.Order()];
        Failures = failures;
    }

    public string Name { get; }
    public int Callers { get; }
    public TimeSpan Window { get; }
    public IReadOnlyDictionary<StatusCode, int> Failures { get; }
    public int Answered => _latencies.Length;
    public double CallsPerSecond => Answered / Window.TotalSeconds;

    /// <summary>The latency, in milliseconds, that this share of answered calls did not exceed (nearest rank).</summary>
    public double PercentileMs(double share) => _latencies.Length == 0
        ? double.NaN
        : _latencies[Math.Max(0, (int)Math.Ceiling(share * _latencies.Length) - 1)] * 1000.0 / Stopwatch.Frequency;

    public string FailureSummary => Failures.Count == 0
        ? "-"
        : string.Join(", ", Failures.OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} {pair.Key}"));
}
