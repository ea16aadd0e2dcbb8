namespace Platform.Messaging.Tests.Infrastructure;

/// <summary>Polls a condition that becomes true asynchronously (a message arriving), failing after a deadline.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last value: {value}.");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }
}
