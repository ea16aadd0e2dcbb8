using System.Globalization;

namespace Platform.AppHost.Hosting.Processes;

/// <summary>
/// A process identified by its pid and its start time (in clock ticks since boot): together they stay unique even
/// when the kernel reuses a pid, so we never signal a stranger that inherited the pid of something we started.
/// </summary>
internal readonly record struct ProcessIdentity(int Pid, ulong StartTime)
{
    public bool IsAlive => ProcessTree.TryRead(Pid, out var info) && info.StartTime == StartTime && info.State != 'Z';
}

/// <summary>
/// Reads the process tree from /proc. Servers such as RabbitMQ and PostgreSQL start helpers of their own; when a parent
/// dies first those helpers are re-parented to init and would otherwise be orphaned, so we remember them up front.
/// </summary>
internal static class ProcessTree
{
    internal readonly record struct ProcessInfo(int Pid, int ParentPid, char State, ulong StartTime);

    /// <summary>The process and all its live descendants.</summary>
    public static IReadOnlyList<ProcessIdentity> Snapshot(int rootPid)
    {
        var all = ReadAll();
        var byParent = all.ToLookup(p => p.ParentPid);
        var result = new List<ProcessIdentity>();
        var pending = new Stack<int>();
        if (all.FirstOrDefault(p => p.Pid == rootPid) is { Pid: > 0 } root && root.State != 'Z')
        {
            result.Add(new ProcessIdentity(root.Pid, root.StartTime));
            pending.Push(root.Pid);
        }

        while (pending.TryPop(out var pid))
        {
            foreach (var child in byParent[pid].Where(c => c.State != 'Z'))
            {
                result.Add(new ProcessIdentity(child.Pid, child.StartTime));
                pending.Push(child.Pid);
            }
        }

        return result;
    }

    /// <summary>SIGKILLs every process of a snapshot that is still alive (and still the same process).</summary>
    public static void KillSurvivors(IEnumerable<ProcessIdentity> processes)
    {
        foreach (var process in processes.Where(p => p.IsAlive))
        {
            Posix.Signal(process.Pid, Posix.SIGKILL);
        }
    }

    public static bool TryRead(int pid, out ProcessInfo info)
    {
        info = default;
        try
        {
            return TryParseStat(File.ReadAllText($"/proc/{pid}/stat"), out info);
        }
        catch (IOException)
        {
            return false; // the process exited while we looked
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static List<ProcessInfo> ReadAll()
    {
        var result = new List<ProcessInfo>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid, out var info))
            {
                result.Add(info);
            }
        }

        return result;
    }

    // /proc/<pid>/stat is "pid (comm) state ppid ... starttime ..."; comm may itself hold spaces and parentheses,
    // so the fields are counted from the last ')'. starttime is field 22 of the whole line.
    private static bool TryParseStat(string stat, out ProcessInfo info)
    {
        info = default;
        var close = stat.LastIndexOf(')');
        var open = stat.IndexOf('(');
        if (close < 0 || open < 0)
        {
            return false;
        }

        var fields = stat[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(stat[..open].Trim(), CultureInfo.InvariantCulture, out var pid)
            || !int.TryParse(fields[1], CultureInfo.InvariantCulture, out var parentPid)
            || !ulong.TryParse(fields[19], CultureInfo.InvariantCulture, out var startTime))
        {
            return false;
        }

        info = new ProcessInfo(pid, parentPid, fields[0][0], startTime);
        return true;
    }
}
