using System.Diagnostics;

namespace Platform.Testing;

/// <summary>
/// The process tree under a process, read from /proc, so a test can check that nothing it started outlives it, and
/// signals sent to processes as a crash, a pause or a service manager would send them.
/// </summary>
public static class LinuxProcesses
{
    public sealed record Identity(int Pid, string Name, string StartTime);

    /// <summary>Every process below <paramref name="root"/> (children, their children, ...).</summary>
    public static IReadOnlyList<Identity> DescendantsOf(int root)
    {
        var parents = new Dictionary<int, List<int>>();
        foreach (var pid in AllPids())
        {
            if (Read(pid) is not null && ParentOf(pid) is int parent)
            {
                (parents.TryGetValue(parent, out var children) ? children : parents[parent] = []).Add(pid);
            }
        }

        var found = new List<Identity>();
        var pending = new Stack<int>([root]);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in parents.GetValueOrDefault(pid) ?? [])
            {
                if (Read(child) is { } identity) found.Add(identity);
                pending.Push(child);
            }
        }

        return found;
    }

    /// <summary>
    /// Everything an AppHost started: its own descendants, and those of the orchestrator (DCP), which detaches from
    /// the AppHost's tree and is found by the AppHost it watches (<c>dcp start-apiserver --monitor &lt;pid&gt;</c>).
    /// </summary>
    public static IReadOnlyList<Identity> StartedByAppHost(int appHost) => [.. DescendantsOf(appHost), .. StartedByOrchestratorOf(appHost)];

    /// <summary>
    /// The orchestrator (DCP) of an AppHost and every process it started: the platform's processes alone when the
    /// AppHost runs inside a test, whose other children (a shell, kill, npx) are the test's own.
    /// </summary>
    public static IReadOnlyList<Identity> StartedByOrchestratorOf(int appHost)
    {
        var orchestrators = AllPids().Where(pid => CommandLine(pid) is { } arguments
            && arguments.Contains("dcp") && arguments.Contains("--monitor") && arguments[arguments.IndexOf("--monitor") + 1] == appHost.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return [.. orchestrators.SelectMany(pid => (Read(pid) is { } dcp ? [dcp] : Array.Empty<Identity>()).Concat(DescendantsOf(pid)))];
    }

    private static List<string>? CommandLine(int pid)
    {
        try
        {
            return [.. File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Select(Path.GetFileName).Select(a => a!)];
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Sends a signal (TERM, KILL, STOP, CONT, ...) to a process, or to its whole process group; returns kill's exit
    /// code. "--" goes before the target: procps' kill reads "-TERM -&lt;pid&gt;" as two options, signals nothing
    /// and exits 0.
    /// </summary>
    public static int Signal(string signal, int pid, bool group = false)
    {
        var target = (group ? -pid : pid).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var kill = Process.Start("kill", ["-s", signal, "--", target]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    /// <summary>Still running, and still the same process (pids are reused): its start time has not changed.</summary>
    public static bool IsAlive(Identity process) => Read(process.Pid) is { } now && now.StartTime == process.StartTime && !IsZombie(process.Pid);

    public static Identity? Read(int pid)
    {
        var stat = Stat(pid);
        if (stat is null) return null;
        var nameEnd = stat.LastIndexOf(')');
        var name = stat[(stat.IndexOf('(') + 1)..nameEnd];
        var fields = stat[(nameEnd + 2)..].Split(' ');
        return new Identity(pid, name, fields[19]); // field 22 of stat: start time in clock ticks
    }

    private static int? ParentOf(int pid)
    {
        var stat = Stat(pid);
        return stat is null ? null : int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsZombie(int pid) => Stat(pid) is { } stat && stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');

    private static string? Stat(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IEnumerable<int> AllPids() =>
        Directory.EnumerateDirectories("/proc").Select(Path.GetFileName).Where(name => name!.All(char.IsAsciiDigit)).Select(name => int.Parse(name!, System.Globalization.CultureInfo.InvariantCulture));
}
