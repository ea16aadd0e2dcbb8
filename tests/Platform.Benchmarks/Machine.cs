namespace Platform.Benchmarks;

/// <summary>What the figures were measured on: cores, memory, and how busy the machine was (others' processes too).</summary>
public static class Machine
{
    public static string Describe() =>
        $"{Environment.ProcessorCount} cores, {MemoryGiB():F0} GiB, {Environment.OSVersion}, .NET {Environment.Version}; " +
        $"load average {LoadAverage()} (1, 5, 15 min)";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static double MemoryGiB() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
}
