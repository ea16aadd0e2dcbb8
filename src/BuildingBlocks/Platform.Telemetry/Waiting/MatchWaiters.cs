namespace Platform.Telemetry.Waiting;

/// <summary>
/// Lets callers await the first item matching a predicate, completed by the store as items arrive
/// (a signal, not a polling loop). Shares the owning store's lock: checking the items already held
/// and registering the waiter happen under the same lock as adding, so no item can slip between them.
/// </summary>
internal sealed class MatchWaiters<T>(Lock storeLock) where T : class
{
    private readonly List<Waiter> _waiters = [];

    /// <param name="findExisting">Searches the items already stored; called with the store's lock held.</param>
    public async Task<T> WaitAsync(
        Func<T, bool> match, Func<Func<T, bool>, T?> findExisting, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        Waiter waiter;
        lock (storeLock)
        {
            if (findExisting(match) is { } existing)
                return existing;

            waiter = new Waiter(match);
            _waiters.Add(waiter);
        }

        try
        {
            return await waiter.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching {typeof(T).Name} arrived within {timeout}.");
        }
        finally
        {
            lock (storeLock)
                _waiters.Remove(waiter);
        }
    }

    /// <summary>Completes the waiters that match any of the new items. Call with the store's lock held.</summary>
    public void Offer(IReadOnlyList<T> added)
    {
        if (_waiters.Count == 0 || added.Count == 0)
            return;

        _waiters.RemoveAll(waiter => waiter.TryComplete(added));
    }

    private sealed class Waiter(Func<T, bool> match)
    {
        // Continuations run asynchronously so the awaiting test never runs inside the store's lock.
        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryComplete(IReadOnlyList<T> added)
        {
            try
            {
                foreach (var item in added)
                {
                    if (match(item))
                    {
                        Completion.TrySetResult(item);
                        return true;
                    }
                }
                return false;
            }
            catch (Exception ex)
            {
                // A throwing predicate fails its own waiter, not the exporter's request.
                Completion.TrySetException(ex);
                return true;
            }
        }
    }
}
