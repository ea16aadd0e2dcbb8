namespace Platform.Testing;

/// <summary>
/// Polls for something that becomes true asynchronously (a message consumed, a copy updated, a server back up),
/// failing after a deadline with what was awaited and the last value seen.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(30);

    /// <summary>Returns the first value <paramref name="probe"/> gives that is <paramref name="done"/>.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? patience = null)
    {
        var limit = patience ?? DefaultPatience;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Not within {limit.TotalSeconds} s: {what}; last value: {value}.");
            }

            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }
}
