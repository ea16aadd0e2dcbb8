using System.ComponentModel;
using System.Diagnostics;
using Platform.AppHost.Hosting.Output;

namespace Platform.AppHost.Hosting.Processes;

/// <summary>What to run: an executable with its arguments, directory, extra environment and (when we are root) the
/// OS account to run it as.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Run as this OS user (only meaningful when we are root); null = as ourselves.</summary>
    public string? UserName { get; init; }

    /// <summary>The signal that asks this program for a graceful stop.</summary>
    public int StopSignal { get; init; } = Posix.SIGTERM;
}

/// <summary>
/// A process started by the AppHost, with its output streamed line by line into a <see cref="ResourceLog"/>.
/// It runs in a session of its own (through setsid) so a Ctrl+C in the terminal reaches only the AppHost, which then
/// stops everything in reverse dependency order instead of every process dying at once.
/// </summary>
internal sealed class ChildProcess
{
    private const string SetSid = "/usr/bin/setsid";
    private readonly Process _process;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _openStreams = 2;

    private ChildProcess(Process process, ResourceLog log, int stopSignal)
    {
        _process = process;
        Log = log;
        StopSignal = stopSignal;
    }

    public int Id => _process.Id;

    public ResourceLog Log { get; }

    public int StopSignal { get; }

    /// <summary>Completes with the exit code when the process exits (whether or not its helpers still hold its pipes).</summary>
    public Task<int> Exited => _exited.Task;

    public bool HasExited => _exited.Task.IsCompleted;

    public static ChildProcess Start(ProcessSpec spec, ResourceLog log)
    {
        var startInfo = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.WorkingDirectory,
        };
        if (File.Exists(SetSid))
        {
            startInfo.FileName = SetSid;
            startInfo.ArgumentList.Add(spec.FileName);
        }
        else
        {
            startInfo.FileName = spec.FileName;
        }

        foreach (var argument in spec.Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in spec.Environment)
        {
            startInfo.Environment[key] = value;
        }

        if (spec.UserName is not null)
        {
            startInfo.UserName = spec.UserName;
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(process, log, spec.StopSignal);
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        process.Exited += (_, _) => child._exited.TrySetResult(process.ExitCode);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new AppHostException($"could not start {spec.FileName}: {e.Message}.", e);
        }

        // Servers must never wait for console input; closing stdin makes that explicit.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>This process and its live descendants.</summary>
    public IReadOnlyList<ProcessIdentity> Tree() => HasExited ? [] : ProcessTree.Snapshot(Id);

    /// <summary>
    /// Sends the stop signal and waits up to <paramref name="grace"/> for a clean exit, then kills the whole tree.
    /// Helpers that outlive their parent are killed too, so nothing we started is left behind.
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        var tree = ProcessTree.Snapshot(Id);
        if (!HasExited && Posix.Signal(Id, StopSignal))
        {
            await Task.WhenAny(Exited, Task.Delay(grace)).ConfigureAwait(false);
        }

        if (!HasExited)
        {
            Log.Write($"(apphost: no exit within {grace.TotalSeconds:0}s of signal {StopSignal}; killing the process tree)");
            Kill();
            await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }

        ProcessTree.KillSurvivors(tree);
    }

    /// <summary>Kills the whole tree at once; the last resort when the AppHost itself is going away.</summary>
    public void Kill()
    {
        var tree = ProcessTree.Snapshot(Id);
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }

        ProcessTree.KillSurvivors(tree);
    }

    /// <summary>
    /// Polls <paramref name="isReady"/> until it returns true, failing fast if the process exits first or if
    /// <paramref name="timeout"/> passes; both failures carry the process's last output and name what we waited for.
    /// </summary>
    public async Task WaitUntilReadyAsync(Func<CancellationToken, Task<bool>> isReady, string readiness, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            while (true)
            {
                timeoutSource.Token.ThrowIfCancellationRequested();
                if (HasExited)
                {
                    // Its last words (why it exited) may still be in the pipe; they are the point of the message.
                    await _outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(2), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                    throw new AppHostException($"{Log.ResourceName} exited with code {Exited.Result} before it {readiness}. {Log.FormatTail()}");
                }

                if (await isReady(timeoutSource.Token).ConfigureAwait(false))
                {
                    return;
                }

                await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromMilliseconds(200), timeoutSource.Token)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AppHostException(
                $"timed out after {timeout.TotalSeconds:0.#}s waiting until {Log.ResourceName} {readiness} (raise AppHost:StartupTimeout if the machine is just slow). {Log.FormatTail()}");
        }
    }

    private void OnLine(string? line)
    {
        if (line is not null)
        {
            Log.Write(line);
        }
        else if (Interlocked.Decrement(ref _openStreams) == 0)
        {
            _outputClosed.TrySetResult(); // both stdout and stderr reached end of file
        }
    }
}
