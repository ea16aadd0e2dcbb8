using System.Globalization;

namespace Platform.AppHost.Tests.Support;

/// <summary>
/// Reads /proc independently of the AppHost's own code, so the orphan test does not trust what it is testing.
/// A process is identified by pid and start time, so a recycled pid never counts as a survivor.
/// </summary>
internal static class LinuxProcesses
{
    public readonly record struct Identity(int Pid, string Name, ulong StartTime);

    public static Identity? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        // "pid (comm) state ppid ..." where comm may contain spaces; starttime is field 22.
        var open = stat.IndexOf('(');
        var close = stat.LastIndexOf(')');
        var fields = stat[(close + 2)..].Split(' ');
        var isZombie = fields[0] == "Z"; // exited; only waiting to be reaped (PID 1 in a container may never reap it)
        return isZombie ? null : new Identity(pid, stat[(open + 1)..close], ulong.Parse(fields[19], CultureInfo.InvariantCulture));
    }

    public static bool IsAlive(Identity process) => Read(process.Pid) is { } now && now.StartTime == process.StartTime;

    public static IReadOnlyList<Identity> DescendantsOf(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var child))
            {
                try
                {
                    var stat = File.ReadAllText($"{directory}/stat");
                    parents[child] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // Exited while we looked.
                }
            }
        }

        var result = new List<Identity>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out var parent))
        {
            foreach (var child in parents.Where(p => p.Value == parent).Select(p => p.Key))
            {
                if (Read(child) is { } identity)
                {
                    result.Add(identity);
                }

                pending.Push(child);
            }
        }

        return result;
    }
}
