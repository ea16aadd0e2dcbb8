using System.Globalization;

namespace Platform.Benchmarks;

/// <summary>
/// The CPU time each part of the machine spent over a measuring window, from the kernel's own accounts (/proc): what
/// a call costs the service, the database, the dashboard and the load generator. Throughput on 2 shared cores moves
/// by a fifth from run to run; CPU time per call moves far less, so it is what shows a change in a service's cost.
/// </summary>
/// <remarks>
/// A process counts from the first reading to the last, so one that starts or ends inside the window (a PostgreSQL
/// backend opened by a pool, say) is left out; the machine's busy time counts every process and the kernel's own work.
/// </remarks>
public sealed class CpuUse
{
    /// <summary>Parts are named as the AppHost names the resources (practices, finance, identity, ...).</summary>
    private readonly Dictionary<string, double> _secondsByPart;

    private CpuUse(Dictionary<string, double> secondsByPart, double machineSeconds)
    {
        _secondsByPart = secondsByPart;
        MachineSeconds = machineSeconds;
    }

    /// <summary>The machine's busy CPU seconds in the window, all cores together.</summary>
    public double MachineSeconds { get; }

    public double SecondsOf(string part) => _secondsByPart.GetValueOrDefault(part);

    /// <summary>The parts, most CPU first.</summary>
    public IEnumerable<KeyValuePair<string, double>> Parts => _secondsByPart.OrderByDescending(pair => pair.Value);

    public static CpuUse Between(Reading before, Reading after)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var (pid, (part, ticks)) in after.Processes)
        {
            if (before.Processes.TryGetValue(pid, out var earlier) && earlier.Part == part)
                seconds[part] = seconds.GetValueOrDefault(part) + (ticks - earlier.Ticks) / Reading.TicksPerSecond;
        }
        return new CpuUse(seconds, (after.MachineBusyTicks - before.MachineBusyTicks) / Reading.TicksPerSecond);
    }

    /// <summary>Every process's CPU time so far, by the part of the platform it belongs to, and the machine's.</summary>
    public sealed record Reading(IReadOnlyDictionary<int, (string Part, long Ticks)> Processes, long MachineBusyTicks)
    {
        /// <summary>The unit of /proc's CPU times (USER_HZ), 100 on every Linux the platform runs on.</summary>
        public const double TicksPerSecond = 100;

        public static Reading Take()
        {
            var processes = new Dictionary<int, (string, long)>();
            if (!Directory.Exists("/proc")) return new Reading(processes, 0);
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                    continue;
                try
                {
                    processes[pid] = (PartOf(pid, File.ReadAllText($"{directory}/cmdline")), TicksOf(File.ReadAllText($"{directory}/stat")));
                }
                catch (IOException)
                {
                    // Gone since the listing.
                }
                catch (UnauthorizedAccessException)
                {
                    // Another user's process that hides its details: not ours.
                }
            }
            return new Reading(processes, MachineBusy());
        }

        /// <summary>utime + stime, the 14th and 15th fields; the name before them may hold spaces, so count from ')'.</summary>
        private static long TicksOf(string stat)
        {
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }

        /// <summary>All cores' time but idle and waiting for the disk, from /proc/stat's first line.</summary>
        private static long MachineBusy()
        {
            var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
                .Select(field => long.Parse(field, CultureInfo.InvariantCulture)).ToArray();
            // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already in user.
            return fields.Take(8).Sum() - fields[3] - fields[4];
        }

        private static string PartOf(int pid, string commandLine) => commandLine switch
        {
            _ when pid == Environment.ProcessId => "load generator",
            _ when commandLine.Contains(EchoServer.ServeThroughThePlatformArgument, StringComparison.Ordinal) => "platform-echo",
            _ when commandLine.Contains(EchoServer.ServeArgument, StringComparison.Ordinal) => "echo",
            _ when commandLine.Contains("Practices.Api", StringComparison.Ordinal) => "practices",
            _ when commandLine.Contains("Finance.Api", StringComparison.Ordinal) => "finance",
            _ when commandLine.Contains("Identity.Api", StringComparison.Ordinal) => "identity",
            _ when commandLine.StartsWith("postgres", StringComparison.Ordinal)
                || commandLine.Contains("/bin/postgres", StringComparison.Ordinal) => "postgresql",
            _ when commandLine.Contains("rabbit", StringComparison.Ordinal)
                || commandLine.Contains("beam", StringComparison.Ordinal) => "rabbitmq",
            _ when commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "dashboard",
            _ when commandLine.Contains("dcp", StringComparison.Ordinal) => "orchestrator",
            _ => "other",
        };
    }
}
