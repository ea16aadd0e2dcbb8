using System.Globalization;

namespace Platform.AppHost.Hosting.Networking;

/// <summary>
/// Free ports for endpoints without a fixed one, held for the app's lifetime. Two things can take a port between the
/// moment it is found free and the moment its server binds it (seconds later, once its dependencies are up):
/// <list type="bullet">
/// <item>any outgoing connection on the machine, which the kernel gives a local port from the ephemeral range, the
/// very range it hands out for "any free port" — so ports are chosen below that range instead;</item>
/// <item>another AppHost (test assemblies run side by side) choosing the same port — so each port is claimed with an
/// exclusive lock on a file named after it, which the kernel releases when the process ends, however it ends.</item>
/// </list>
/// </summary>
internal sealed class PortReservations : IDisposable
{
    private const int LowestPort = 10_000;
    private static readonly string LockDirectory = Path.Combine(Path.GetTempPath(), "llr-apphost-ports");

    private readonly List<FileStream> _locks = [];

    public int ReserveFreePort()
    {
        var below = EphemeralRangeStart();
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Random.Shared.Next(LowestPort, below);
            if (TryReserve(port)) return port;
        }

        throw new AppHostException($"no free port between {LowestPort} and {below - 1} after 1,000 tries: too many servers are running.");
    }

    /// <summary>Claims the port if no other reservation holds it and nothing listens on it.</summary>
    public bool TryReserve(int port)
    {
        if (TryLock(port) is not { } held) return false;
        if (!Ports.IsFree(port))
        {
            held.Dispose();
            return false;
        }

        _locks.Add(held);
        return true;
    }

    public void Dispose()
    {
        foreach (var held in _locks) held.Dispose();
        _locks.Clear();
    }

    // FileShare.None is an exclusive advisory lock (flock) on Linux: any other open fails until this one closes. The
    // files stay: deleting one could let two processes each lock a different file of the same name.
    private static FileStream? TryLock(int port)
    {
        Directory.CreateDirectory(LockDirectory);
        try
        {
            return new FileStream(Path.Combine(LockDirectory, $"{port}.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    // "32768\t60999" on most Linux machines; where it cannot be read, assume that default.
    internal static int EphemeralRangeStart()
    {
        const int linuxDefault = 32768;
        try
        {
            var first = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
            var start = int.Parse(first, CultureInfo.InvariantCulture);
            return start > LowestPort + 1_000 ? start : linuxDefault;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return linuxDefault;
        }
    }
}
