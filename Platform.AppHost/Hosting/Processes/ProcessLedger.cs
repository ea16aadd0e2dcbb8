using System.Globalization;

namespace Platform.AppHost.Hosting.Processes;

/// <summary>
/// A note, in a resource's state folder, of the processes it started and of the AppHost that started them. An AppHost
/// that is killed outright (SIGKILL, a crash, an IDE's stop button) cannot stop its servers, which then hold their ports
/// and data; the next AppHost on the same state finds them here and stops them. Processes whose AppHost is still alive
/// are never touched: that is another AppHost sharing the state folder, and the port check reports it instead.
/// </summary>
internal static class ProcessLedger
{
    private const string FileName = "apphost.pids";

    private static readonly ProcessIdentity Self =
        ProcessTree.TryRead(Environment.ProcessId, out var self) ? new ProcessIdentity(self.Pid, self.StartTime) : default;

    public static void Record(string directory, ChildProcess process)
    {
        if (ProcessTree.TryRead(process.Id, out var info))
        {
            var line = string.Create(CultureInfo.InvariantCulture, $"{Format(Self)} {Format(new ProcessIdentity(info.Pid, info.StartTime))} {process.StopSignal}");
            File.AppendAllLines(Path.Combine(directory, FileName), [line]);
        }
    }

    /// <summary>Forgets the processes after a clean stop.</summary>
    public static void Clear(string directory) => File.Delete(Path.Combine(directory, FileName));

    /// <summary>Kills what a dead AppHost left running from this folder, reporting it in <paramref name="log"/>.</summary>
    public static void ReclaimLeftovers(string directory, ResourceLog log)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return;
        }

        var entries = File.ReadAllLines(path).Select(l => l.Split(' ')).Where(f => f.Length == 5).ToList();
        foreach (var fields in entries)
        {
            var owner = Parse(fields[0], fields[1]);
            var process = Parse(fields[2], fields[3]);
            if (process.IsAlive && !owner.IsAlive)
            {
                // Gracefully first: a server that shuts down cleanly also removes its lock files (postmaster.pid).
                log.Write($"(apphost: stopping process {process.Pid}, left running by an AppHost that did not stop it)");
                var tree = ProcessTree.Snapshot(process.Pid);
                Posix.Signal(process.Pid, int.Parse(fields[4], CultureInfo.InvariantCulture));
                WaitUntilGone(process);
                ProcessTree.KillSurvivors(tree);
            }
        }

        if (entries.All(f => !Parse(f[0], f[1]).IsAlive))
        {
            File.Delete(path);
        }
    }

    // Blocking is fine: this runs once, before the resource starts, and is bounded (15 s).
    private static void WaitUntilGone(ProcessIdentity process)
    {
        for (var attempt = 0; attempt < 150 && process.IsAlive; attempt++)
        {
            Thread.Sleep(100);
        }
    }

    private static string Format(ProcessIdentity process) =>
        string.Create(CultureInfo.InvariantCulture, $"{process.Pid} {process.StartTime}");

    private static ProcessIdentity Parse(string pid, string startTime) =>
        new(int.Parse(pid, CultureInfo.InvariantCulture), ulong.Parse(startTime, CultureInfo.InvariantCulture));
}
