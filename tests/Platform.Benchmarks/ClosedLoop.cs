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
    public async Task<Measurement> RunAsync(Operation operation, int callers, Func<int, long, Task> call)
    {
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(warmUp);
        var measureUntil = measureFrom + Ticks(window);
        var cpu = ReadCpuAsync(measureFrom, measureUntil);
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
        return new Measurement(operation, callers, window, results.SelectMany(result => result.Latencies), failures, await cpu);
    }

    /// <summary>The machine's CPU accounts at the window's start and end, on a thread of their own.</summary>
    private static Task<CpuUse> ReadCpuAsync(long from, long until) => Task.Run(async () =>
    {
        await Until(from);
        var before = CpuUse.Reading.Take();
        await Until(until);
        return CpuUse.Between(before, CpuUse.Reading.Take());
    });

    private static Task Until(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        return wait > TimeSpan.Zero ? Task.Delay(wait) : Task.CompletedTask;
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

    public Measurement(Operation operation, int callers, TimeSpan window, IEnumerable<long> latencies,
        IReadOnlyDictionary<StatusCode, int> failures, CpuUse cpu)
    {
        Operation = operation;
        Callers = callers;
        Window = window;
        _latencies = [.. latencies.Order()];
        Failures = failures;
        Cpu = cpu;
    }

    public Operation Operation { get; }
    public string Name => Operation.Name;
    public int Callers { get; }
    public TimeSpan Window { get; }
    public IReadOnlyDictionary<StatusCode, int> Failures { get; }

    /// <summary>What the window cost the machine's processes.</summary>
    public CpuUse Cpu { get; }

    /// <summary>CPU time per answered call, in microseconds: the called service's process, and the whole machine's.</summary>
    public double ServiceMicrosecondsPerCall => PerCall(Cpu.SecondsOf(Operation.Service));

    public double MachineMicrosecondsPerCall => PerCall(Cpu.MachineSeconds);

    /// <summary>Every part's CPU time per call, most first: "    CPU us a call: practices 105, postgresql 30, ...".</summary>
    public string CpuBreakdown => "    CPU us a call: " + string.Join(", ",
        Cpu.Parts.Where(part => part.Value > 0).Select(part => $"{part.Key} {PerCall(part.Value):F0}"));

    private double PerCall(double cpuSeconds) => Answered == 0 ? double.NaN : cpuSeconds * 1e6 / Answered;

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
