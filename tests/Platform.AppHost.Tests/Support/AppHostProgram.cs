using System.Diagnostics;
using System.Text.RegularExpressions;
using Platform.AppHost.Hosting;

namespace Platform.AppHost.Tests.Support;

/// <summary>
/// The built AppHost program (<c>dotnet Platform.AppHost.dll</c>) run as a child process, exactly as a developer runs
/// it, with its output collected line by line.
/// </summary>
internal sealed partial class AppHostProgram : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource<string> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHostProgram(Process process) => _process = process;

    public int Id => _process.Id;

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToArray();
            }
        }
    }

    public static string AssemblyPath =>
        Path.Combine(RepositoryRoot.Find(), "Platform.AppHost", "bin", BuildConfiguration.Current, "net10.0", "Platform.AppHost.dll");

    public static AppHostProgram Start(params string[] args)
    {
        var startInfo = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        startInfo.ArgumentList.Add(AssemblyPath);
        foreach (var arg in args)
        {
            startInfo.ArgumentList.Add(arg);
        }

        var program = new AppHostProgram(new Process { StartInfo = startInfo, EnableRaisingEvents = true });
        program._process.OutputDataReceived += (_, e) => program.OnLine(e.Data);
        program._process.ErrorDataReceived += (_, e) => program.OnLine(e.Data);
        program._process.Exited += (_, _) => program._outcome.TrySetException(new InvalidOperationException("The AppHost exited before it reported."));
        program._process.Start();
        program._process.BeginOutputReadLine();
        program._process.BeginErrorReadLine();
        return program;
    }

    /// <summary>Waits for "All N resources are running" and returns the dashboard URL it printed; throws on "error:".</summary>
    public async Task<Uri> WaitUntilRunningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _outcome.Task.WaitAsync(timeout, cancellationToken);
        var dashboard = Output.Select(l => DashboardLine().Match(l)).First(m => m.Success);
        return new Uri(dashboard.Groups[1].Value);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).WaitAsync(timeout, cancellationToken);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Add(line);
        }

        if (line.StartsWith("[apphost] All ", StringComparison.Ordinal) && line.Contains(" resources are running", StringComparison.Ordinal))
        {
            _outcome.TrySetResult(line);
        }
        else if (line.StartsWith("[apphost] error: ", StringComparison.Ordinal))
        {
            _outcome.TrySetException(new InvalidOperationException($"The AppHost failed to start: {line}"));
        }
    }

    [GeneratedRegex(@"^\[apphost\] Dashboard: (\S+)")]
    private static partial Regex DashboardLine();
}
