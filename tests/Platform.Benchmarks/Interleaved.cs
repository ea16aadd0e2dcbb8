namespace Platform.Benchmarks;

/// <summary>
/// Runs operations interleaved with the echo (echo, A, echo, B, ..., echo), so each is compared with the echo measured
/// just before and after it, on the machine as it was then: the ratios come from one run, whatever else the machine
/// is doing.
/// </summary>
public sealed class Interleaved(ClosedLoop loop, IReadOnlyDictionary<string, Uri> addresses, Func<Task<string>> token)
{
    public async Task<IReadOnlyList<Row>> RunAsync(IReadOnlyList<Operation> operations, int callers)
    {
        var rows = new List<Row>();
        var echoBefore = await MeasureAsync(Reads.Echo, callers);
        rows.Add(new Row(echoBefore, null));
        foreach (var operation in operations)
        {
            var measured = await MeasureAsync(operation, callers);
            var echoAfter = await MeasureAsync(Reads.Echo, callers);
            var echoRate = (echoBefore.CallsPerSecond + echoAfter.CallsPerSecond) / 2;
            rows.Add(new Row(measured, 100 * measured.CallsPerSecond / echoRate));
            rows.Add(new Row(echoAfter, null));
            echoBefore = echoAfter;
        }
        return rows;
    }

    /// <summary>
    /// Calls each operation for a while, unmeasured, before anything is measured: a service's first seconds (JIT,
    /// connection pools, caches) would otherwise count against whichever run comes first, and against the fresh
    /// registry in the comparison with history.
    /// </summary>
    public async Task PrimeAsync(IEnumerable<Operation> operations, int callers, TimeSpan time)
    {
        foreach (var operation in operations)
        {
            using var channels = new Channels(addresses[operation.Service], callers, operation.Service == "echo" ? null : token);
            var calls = Enumerable.Range(0, callers).Select(caller => operation.Start(channels, caller)).ToArray();
            await new ClosedLoop(TimeSpan.Zero, time).RunAsync(operation, callers, (caller, count) => calls[caller](count));
        }
    }

    /// <summary>One run on its own, over channels of its own; with the warm-up and window given, or the usual ones.</summary>
    public async Task<Measurement> MeasureAsync(Operation operation, int callers, ClosedLoop? otherLoop = null)
    {
        using var channels = new Channels(addresses[operation.Service], callers, operation.Service == "echo" ? null : token);
        var calls = Enumerable.Range(0, callers).Select(caller => operation.Start(channels, caller)).ToArray();
        var measured = await (otherLoop ?? loop).RunAsync(operation, callers, (caller, count) => calls[caller](count));
        Console.WriteLine($"  {Row.Format(new Row(measured, null))}");
        Console.WriteLine(measured.CpuBreakdown);
        return measured;
    }
}

/// <summary>A line of the results: a run, and its throughput as a share of the echo's around it.</summary>
public sealed record Row(Measurement Measured, double? PercentOfEcho)
{
    public static string Header =>
        $"{"call",-28} {"callers",7} {"calls/s",9} {"p50 ms",8} {"p99 ms",8} {"% of echo",9} " +
        $"{"CPU us/call: service",20} {"machine",8}  failures";

    public static string Format(Row row)
    {
        var measured = row.Measured;
        var percent = row.PercentOfEcho is { } share ? $"{share,8:F2}%" : $"{"",9}";
        return $"{measured.Name,-28} {measured.Callers,7} {measured.CallsPerSecond,9:F0} " +
            $"{measured.PercentileMs(0.50),8:F2} {measured.PercentileMs(0.99),8:F2} {percent} " +
            $"{measured.ServiceMicrosecondsPerCall,20:F0} {measured.MachineMicrosecondsPerCall,8:F0}  {measured.FailureSummary}";
    }
}
