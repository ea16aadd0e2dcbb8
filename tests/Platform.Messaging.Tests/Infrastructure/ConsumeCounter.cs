using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Messaging.Tests.Infrastructure;

/// <summary>Counts finished consumes (and faults) per MessageId, so a test can tell a skipped duplicate has run.</summary>
public sealed class ConsumeCounter : IConsumeObserver
{
    private readonly ConcurrentDictionary<Guid, int> _completed = new();
    private int _faulted;

    public int Faulted => Volatile.Read(ref _faulted);

    public int Completed(Guid messageId) => _completed.GetValueOrDefault(messageId);

    public int TotalCompleted => _completed.Values.Sum();

    public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context) where T : class
    {
        _completed.AddOrUpdate(context.MessageId!.Value, 1, (_, count) => count + 1);
        return Task.CompletedTask;
    }

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class
    {
        Interlocked.Increment(ref _faulted);
        return Task.CompletedTask;
    }
}
