using Platform.AppHost.Hosting.Output;

namespace Platform.AppHost.Hosting;

/// <summary>
/// The output of one resource: kept in a bounded buffer (the last lines go into failure messages and are readable
/// by tests) and, when echo is on, written to the console prefixed with the resource's name.
/// </summary>
public sealed class ResourceLog
{
    private const int Capacity = 1000;
    private readonly Queue<string> _lines = new();
    private readonly ResourceConsole _console;
    private readonly bool _echo;

    internal ResourceLog(string resourceName, ResourceConsole console, bool echo)
    {
        ResourceName = resourceName;
        _console = console;
        _echo = echo;
    }

    public string ResourceName { get; }

    public void Write(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }

            _lines.Enqueue(line);
        }

        if (_echo)
        {
            _console.WriteResourceLine(ResourceName, line);
        }
    }

    public IReadOnlyList<string> Tail(int count)
    {
        lock (_lines)
        {
            return _lines.Skip(Math.Max(0, _lines.Count - count)).ToArray();
        }
    }

    public IReadOnlyList<string> Lines => Tail(Capacity);

    /// <summary>The last lines formatted for an error message, so a failure shows why without opening a log file.</summary>
    public string FormatTail(int count = 20)
    {
        var tail = Tail(count);
        return tail.Count == 0
            ? "(it printed nothing)"
            : "Last output:" + Environment.NewLine + string.Join(Environment.NewLine, tail.Select(l => $"  [{ResourceName}] {l}"));
    }
}
