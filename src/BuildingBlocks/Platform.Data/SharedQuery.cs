namespace Platform.Data;

/// <summary>
/// A query whose runs concurrent callers share, each caller getting the result of a run sent after it called: under
/// load, one round trip per batch of callers rather than per caller, and never a result older than the call.
/// </summary>
/// <remarks>
/// One run at a time. A caller that arrives while a run is under way joins the next, which starts when that one ends,
/// so after every caller of its batch arrived; each waits at most for the end of the run under way and then its own.
/// A run happens in the context of the caller that opened its batch, so its span is in that caller's trace. It is not
/// cancelled with any one caller: a caller that gives up stops waiting (<see cref="Task.WaitAsync(CancellationToken)"/>),
/// and a slow run holds the next batch until it ends (for a database, at its command timeout).
/// </remarks>
public sealed class SharedQuery<T>(Func<Task<T>> run)
{
    private readonly Lock _gate = new();
    private bool _running;
    private Batch? _next;

    private sealed class Batch
    {
        public TaskCompletionSource<T> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ExecutionContext? Context { get; } = ExecutionContext.Capture();
    }

    /// <summary>The result of a run that starts after this call.</summary>
    public Task<T> NextResultAsync()
    {
        Batch batch;
        lock (_gate)
        {
            if (_running) return (_next ??= new Batch()).Result.Task;
            _running = true;
            batch = new Batch();
        }
        _ = RunBatchesAsync(batch);
        return batch.Result.Task;
    }

    private async Task RunBatchesAsync(Batch batch)
    {
        while (true)
        {
            try
            {
                batch.Result.SetResult(await RunInContextOf(batch));
            }
            catch (Exception exception)
            {
                batch.Result.SetException(exception);
            }

            lock (_gate)
            {
                if (_next is null)
                {
                    _running = false;
                    return;
                }
                (batch, _next) = (_next, null);
            }
        }
    }

    private Task<T> RunInContextOf(Batch batch)
    {
        if (batch.Context is null) return run();
        Task<T> started = null!;
        ExecutionContext.Run(batch.Context, _ => started = run(), null);
        return started;
    }
}
