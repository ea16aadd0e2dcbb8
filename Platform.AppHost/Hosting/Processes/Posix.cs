using System.Runtime.InteropServices;

namespace Platform.AppHost.Hosting.Processes;

/// <summary>
/// The few libc calls .NET has no managed API for: sending a chosen signal (Process.Kill only sends SIGKILL, but
/// PostgreSQL wants SIGINT for a fast shutdown and RabbitMQ SIGTERM for a graceful one) and handing files to the
/// service accounts PostgreSQL and RabbitMQ run under when we are root.
/// </summary>
internal static class Posix
{
    public const int SIGKILL = 9;
    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int NativeKill(int pid, int signal);

    [DllImport("libc", EntryPoint = "getpwnam", SetLastError = true)]
    private static extern IntPtr NativeGetpwnam(string name);

    [DllImport("libc", EntryPoint = "chown", SetLastError = true)]
    private static extern int NativeChown(string path, uint owner, uint group);

    /// <summary>Sends <paramref name="signal"/>; false when the process no longer exists.</summary>
    public static bool Signal(int pid, int signal) => NativeKill(pid, signal) == 0;

    /// <summary>The uid and gid of a local user, or null when there is no such user.</summary>
    public static (uint Uid, uint Gid)? FindUser(string name)
    {
        var entry = NativeGetpwnam(name);
        if (entry == IntPtr.Zero)
        {
            return null;
        }

        // struct passwd starts with two pointers (pw_name, pw_passwd) followed by pw_uid and pw_gid.
        var uidOffset = 2 * IntPtr.Size;
        return ((uint)Marshal.ReadInt32(entry, uidOffset), (uint)Marshal.ReadInt32(entry, uidOffset + sizeof(uint)));
    }

    /// <summary>Writes a file only its owner can read (a password), optionally handing it to another OS user.</summary>
    public static void WritePrivateFile(string path, string content, string? owner = null)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        if (owner is not null)
        {
            ChangeOwner(path, owner);
        }
    }

    /// <summary>Creates a directory (rwxr-xr-x) that other OS users, such as the service accounts, can traverse.</summary>
    public static void CreateTraversableDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        Directory.CreateDirectory(
            path,
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead
            | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    /// <summary>
    /// Fails, naming the fix, unless every folder from / down to <paramref name="directory"/> lets other users through:
    /// otherwise a service account cannot reach its data under it (a home folder is often private).
    /// </summary>
    public static void EnsureTraversableByOthers(string directory, string serviceUser)
    {
        if (OperatingSystem.IsWindows())
        {
            throw NotOnWindows();
        }

        for (var folder = new DirectoryInfo(directory); folder is not null; folder = folder.Parent)
        {
            if (!folder.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                throw new AppHostException(
                    $"the '{serviceUser}' OS user cannot reach {directory} because {folder.FullName} is private: run chmod o+x {folder.FullName}, or set AppHost:StateDirectory to a folder it can reach (e.g. under /var/tmp).");
            }
        }
    }

    // The AppHost runs servers the Linux way (service accounts, signals, /proc); Windows is not a goal.
    private static PlatformNotSupportedException NotOnWindows() => new("The AppHost runs on Linux.");

    public static void ChangeOwner(string path, string userName)
    {
        var user = FindUser(userName) ?? throw new AppHostException($"the OS user '{userName}' does not exist.");
        if (NativeChown(path, user.Uid, user.Gid) != 0)
        {
            throw new AppHostException($"could not give {path} to the OS user '{userName}' (errno {Marshal.GetLastPInvokeError()}).");
        }
    }
}
