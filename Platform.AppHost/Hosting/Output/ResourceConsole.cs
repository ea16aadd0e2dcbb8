using System.Text;

namespace Platform.AppHost.Hosting.Output;

/// <summary>
/// The AppHost's console: resource output prefixed with the resource's name, the AppHost's own messages, and the
/// table of resources. Every write is one call so lines from concurrent resources never interleave mid-line.
/// </summary>
internal sealed class ResourceConsole(TextWriter output)
{
    private readonly Lock _gate = new();

    public void WriteResourceLine(string resourceName, string line) => Write($"[{resourceName}] {line}");

    public void Info(string message) => Write($"[apphost] {message}");

    public void WriteTable(IEnumerable<Resource> resources)
    {
        var rows = resources
            .Select(r => (r.Name, r.Type, State: r.StateDetail is null ? r.State.ToString() : $"{r.State} ({r.StateDetail})",
                Pid: r.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
                Urls: string.Join(" ", r.Urls)))
            .ToList();
        var header = (Name: "NAME", Type: "TYPE", State: "STATE", Pid: "PID", Urls: "URLS");
        int Width(Func<(string Name, string Type, string State, string Pid, string Urls), string> column) =>
            rows.Select(column).Append(column(header)).Max(v => v.Length);
        var (name, type, state, pid) = (Width(r => r.Name), Width(r => r.Type), Width(r => r.State), Width(r => r.Pid));

        var table = new StringBuilder();
        foreach (var row in rows.Prepend(header))
        {
            table.Append("[apphost]   ")
                .Append(row.Name.PadRight(name)).Append("  ")
                .Append(row.Type.PadRight(type)).Append("  ")
                .Append(row.State.PadRight(state)).Append("  ")
                .Append(row.Pid.PadLeft(pid)).Append("  ")
                .AppendLine(row.Urls);
        }

        Write(table.ToString().TrimEnd());
    }

    private void Write(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }
}
